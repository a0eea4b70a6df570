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
#: what an admin of a web shop's desk adds in the helpdesk's admin: the integration's own
#: fields (external id, channel, requester phone) and the business's, typed as the helpdesk
#: validates them (name, label, data type, options)
CUSTOM_FIELDS = (
    ("external_id", "External ID", "varchar", {"max_length": 200}),
    ("channel", "Channel", "varchar", {"max_length": 200}),
    ("requester_phone", "Requester phone", "varchar", {"max_length": 200}),
    ("order_no", "订单号", "varchar", {"max_length": 200}),
    ("sku", "SKU", "varchar", {"max_length": 100}),
    ("member_level", "会员等级", "list", {"list_values": "普通会员\n银卡\n金卡\n钻石卡"}),
    ("refund_amount", "退款金额", "decimal", {"max_length": 10, "decimal_places": 2}),
)

user = get_user_model().objects.create_user(
    "harness", "harness@example.invalid", os.urandom(16).hex(), is_staff=True, is_superuser=True
)
Token.objects.create(user=user, key=os.environ["HELPDESK_TOKEN"])
for category in CATEGORIES:
    Queue.objects.create(title=category.title(), slug=category, allow_public_submission=False)
for order, (name, label, data_type, options) in enumerate(CUSTOM_FIELDS):
    CustomField.objects.create(
        name=name, label=label, data_type=data_type, required=False, ordering=order, **options
    )
print("seeded", Queue.objects.count(), "queues", CustomField.objects.count(), "custom fields")
