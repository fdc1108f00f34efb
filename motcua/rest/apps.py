from django.apps import AppConfig


class RestConfig(AppConfig):
    name = "motcua.rest"
    label = "rest"
