"""Settings of the test site: cookies and sessions only."""

import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "cookiejar-test-site-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "cookiesite.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [os.path.join(BASE_DIR, "templates")],
    "OPTIONS": {"context_processors": ["django.template.context_processors.csrf"]},
}]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(os.environ.get("COOKIESITE_DATA_DIR", BASE_DIR), "sessions.sqlite3"),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
