from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "tipline.review"
    label = "review"
