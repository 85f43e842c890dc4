from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.login),
    path("index/", views.index),
    path("logout/", views.logout),
    path("login2/", views.login2),
    path("index2/", views.index2),
    path("logout2/", views.logout2),
    path("last-visit/", views.last_visit),
    path("product/<int:product_id>/", views.product),
    path("signed/set/", views.signed_set),
    path("signed/get/", views.signed_get),
]
