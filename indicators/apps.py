from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "成果指標"

    def ready(self):
        from django.utils import translation

        from indicators import language

        # The evaluation's sentences in the language of the page (indicators/language.py).
        language.install(translation.get_language, translation.gettext, translation.pgettext)
