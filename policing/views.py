from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "policing/home.html", {"nav": "home"})


def incident_list(request):
    raise NotImplementedError


def incident_detail(request, pk):
    raise NotImplementedError


def unit_detail(request, pk):
    raise NotImplementedError
