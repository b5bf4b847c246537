from django.db import models


class ImdPostcode(models.Model):
    """A postcode's Index of Multiple Deprivation decile, from the file the service imports
    (`manage.py import_imd`). Used only to derive a family's decile; the family's postcode is
    never stored."""

    postcode = models.CharField(max_length=8, primary_key=True, help_text="Upper case, no spaces.")
    decile = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "IMD postcode"

    def __str__(self) -> str:
        return f"{self.postcode} decile {self.decile}"
