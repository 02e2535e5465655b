"""User accounts in the admin: nobody gives powers they do not hold themselves.

Administrators manage accounts, but only a superuser makes someone a superuser, changes or
deletes a superuser's account, or one that holds permissions the administrator lacks. An
administrator can give an account only the groups and permissions they hold themselves.
"""

from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, Permission
from django.db.models import Q


def held_permissions(user):
    """The permissions `user` holds, directly or through their groups, as a queryset."""
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).distinct()


def holds_no_more_than(account, user) -> bool:
    """Whether every permission of `account` is also held by `user`. Read from the database
    rather than with get_all_permissions(), which gives an inactive account none: reactivating
    one must not hand out what it holds."""
    held = held_permissions(user).values("pk")
    return not held_permissions(account).exclude(pk__in=held).exists()


class UserAdmin(auth_admin.UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        return readonly

    def may_manage(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return not obj.is_superuser and holds_no_more_than(obj, request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_manage(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            held = held_permissions(request.user)
            if db_field.name == "user_permissions":
                kwargs["queryset"] = held.select_related("content_type")
            elif db_field.name == "groups":
                # A group any of whose permissions the administrator lacks is not offered.
                kwargs["queryset"] = Group.objects.exclude(
                    permissions__in=Permission.objects.exclude(pk__in=held.values("pk"))
                )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # A non-superuser's form has no superuser box, but the flag is enforced here too.
        if not request.user.is_superuser and not change:
            obj.is_superuser = False
        super().save_model(request, obj, form, change)


class GroupAdmin(auth_admin.GroupAdmin):
    """Groups, whose permissions an administrator may only choose among those they hold."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None
            or request.user.is_superuser
            or not obj.permissions.exclude(
                pk__in=held_permissions(request.user).values("pk")
            ).exists()
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions" and not request.user.is_superuser:
            kwargs["queryset"] = held_permissions(request.user).select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
