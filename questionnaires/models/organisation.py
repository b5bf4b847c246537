import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class Service(models.Model):
    """A parent–infant relationship team. Staff see only their own service's records (AZ-2)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    contact_line = models.CharField(
        max_length=300, blank=True, help_text="Who parents contact, shown on posters and pages."
    )
    crisis_text = models.TextField(
        blank=True, help_text="Where to get help now if worried; shown when a parent finishes."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffUser(AbstractUser):
    """A member of staff. Roles are Django groups (questionnaires.roles.Role)."""

    # Every staff user but a superuser belongs to exactly one service.
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )

    class Meta:
        verbose_name = "staff user"

    @property
    def display_name(self) -> str:
        """How staff are named on pages and PDFs: their full name, else their username."""
        return self.get_full_name() or self.get_username()
