"""The classic cookie and session tutorial flows."""

import itertools
import time

from django.http import HttpResponse
from django.shortcuts import redirect, render

USERS = {"zaizai": "123", "xiaoming": "456"}
_visits = itertools.count(1)


def _valid(request):
    user = request.POST.get("user", "")
    return user if USERS.get(user) == request.POST.get("pwd") else None


def login(request):
    if request.method == "GET":
        return render(request, "login.html", {"action": "/login/"})
    user = _valid(request)
    if not user:
        return render(request, "login.html", {"action": "/login/", "error": "wrong user or password"})
    response = redirect("/index/")
    response.set_cookie("is_login", "True", max_age=5)
    response.set_cookie("username", user, max_age=5)
    # A session cookie with a space, which Django quotes.
    response.set_cookie("login_time", time.strftime("%Y-%m-%d %H:%M:%S"))
    return response


def index(request):
    if request.COOKIES.get("is_login"):
        return HttpResponse("welcome %s, logged in at %s" % (
            request.COOKIES.get("username"), request.COOKIES.get("login_time")))
    return redirect("/login/")


def logout(request):
    response = redirect("/login/")
    for name in ("is_login", "username", "login_time"):
        response.delete_cookie(name)
    return response


def login2(request):
    if request.method == "GET":
        return render(request, "login.html", {"action": "/login2/"})
    user = _valid(request)
    if not user:
        return render(request, "login.html", {"action": "/login2/", "error": "wrong user or password"})
    request.session.cycle_key()  # A new session id on every login.
    request.session["user"] = user
    return redirect("/index2/")


def index2(request):
    user = request.session.get("user")
    if user:
        return HttpResponse("welcome2 %s" % user)
    return redirect("/login2/")


def logout2(request):
    request.session.flush()
    return redirect("/login2/")


def last_visit(request):
    previous = request.COOKIES.get("last_visit", "never")
    response = HttpResponse("last visit: %s" % previous)
    response.set_cookie("last_visit", "visit-%d" % next(_visits), max_age=30 * 86400)
    return response


def product(request, product_id):
    viewed = [p for p in request.COOKIES.get("viewed", "").split("-") if p]
    pid = str(product_id)
    if pid in viewed:
        viewed.remove(pid)
    viewed = [pid] + viewed[:2]
    response = HttpResponse("recently viewed: %s" % ",".join(viewed))
    response.set_cookie("viewed", "-".join(viewed), max_age=7 * 86400)
    return response


def signed_set(request):
    response = HttpResponse("signed")
    response.set_signed_cookie("token", "secret-value", salt="cookiejar")
    return response


def signed_get(request):
    return HttpResponse("token: %s" % request.get_signed_cookie("token", default=None,
                                                                 salt="cookiejar"))
