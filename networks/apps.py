from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "networks"

    def ready(self):
        import networks.signals  # noqa: F401  (connects the receivers)
