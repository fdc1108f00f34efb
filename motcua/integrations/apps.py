from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Installed for the sandbox payment gateway's page template; no models."""

    name = "motcua.integrations"
    label = "integrations"
