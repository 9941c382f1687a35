from django.apps import AppConfig


class SuccessionConfig(AppConfig):
    name = "succession"
    verbose_name = "次期計画への引き継ぎ"
