# mypy: ignore-errors
"""Seed a migrated helpdesk database: one staff user with an API token, one queue per
category (ids in this order: billing=1, refunds=2, logistics=3, account=4, technical=5) and
the custom fields the vendor file maps. Run with the project's Python: ``python seed.py``."""

import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from helpdesk.models import CustomField, Queue  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

CATEGORIES = ("billing", "refunds", "logistics", "account", "technical")
TEXT_FIELDS = ("external_id", "channel", "requester_phone", "order_no")

user = get_user_model().objects.create_user(
    "harness", "harness@example.invalid", os.urandom(16).hex(), is_staff=True, is_superuser=True
)
Token.objects.create(user=user, key=os.environ["HELPDESK_TOKEN"])
for category in CATEGORIES:
    Queue.objects.create(title=category.title(), slug=category, allow_public_submission=False)
for order, name in enumerate(TEXT_FIELDS):
    CustomField.objects.create(
        name=name,
        label=name.replace("_", " "),
        data_type="varchar",
        max_length=200,
        required=False,
        ordering=order,
    )
print("seeded", Queue.objects.count(), "queues", CustomField.objects.count(), "custom fields")
