"""The admin's read-only fields with numbers as people write them (templates/admin/includes/
fieldset.html, templates/admin/edit_inline/tabular.html): a closed year's indicator showed its
target as 50000.0000 to everyone but an administrator."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DecimalField

from core.forms import describe_decimal

register = template.Library()


@register.filter
def readable_contents(admin_field):
    """What a read-only field (django.contrib.admin.helpers.AdminReadonlyField) shows: a
    decimal through core.numbers, anything else as the admin shows it."""
    name = admin_field.field["field"]
    if isinstance(name, str):
        try:
            model_field = admin_field.form._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if isinstance(model_field, DecimalField):
            value = getattr(admin_field.form.instance, name, None)
            if value is None:
                return admin_field.empty_value_display
            return describe_decimal(model_field, value)
    return admin_field.contents()
