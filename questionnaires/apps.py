from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = "Questionnaires"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from questionnaires.instrument_sync import sync_shipped_instruments_after_migrate

        post_migrate.connect(sync_shipped_instruments_after_migrate, sender=self)

        from questionnaires import sign_in_events

        sign_in_events.connect()  # LOG-1: sign-ins, sign-outs, failures and lockouts
