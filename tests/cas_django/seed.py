"""Migrate the test CAS server's database and let every http://localhost/ service in, releasing all attributes and
receiving single logout (SLO) at the address given (the test's own HTTP listener)."""

import os

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from cas_server.models import ReplaceAttributName, ServicePattern  # noqa: E402

call_command("migrate", verbosity=0)
pattern, _ = ServicePattern.objects.get_or_create(
    name="巡察通", defaults={"pattern": r"^https?://localhost(:\d+)?/", "pos": 0, "single_log_out": True,
                             "single_log_out_callback": os.environ.get("CAS_TEST_SLO", "")})
ReplaceAttributName.objects.get_or_create(name="*", replace="", service_pattern=pattern)
