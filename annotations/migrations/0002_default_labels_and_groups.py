"""The default rating scale and the groups `reviewer` and `editor` with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# slug, name, description, colour, key, rating_value, is_claim, requires_evidence
DEFAULT_LABELS = [
    ("accurate", "Accurate", "The claim is correct and nothing significant is missing.",
     "#1a9850", "1", 5, True, False),
    ("mostly_accurate", "Mostly accurate", "Correct, but needs clarification or context.",
     "#91cf60", "2", 4, True, False),
    ("mixed", "Mixed", "Partly correct and partly wrong.", "#fee08b", "3", 3, True, False),
    ("misleading", "Misleading", "Technically correct but gives a false impression.",
     "#fc8d59", "4", 2, True, True),
    ("false", "False", "The claim is wrong.", "#d73027", "5", 1, True, True),
    ("unverifiable", "Unverifiable", "No evidence can settle the claim either way.",
     "#8c96a8", "6", None, True, False),
    ("not_a_claim", "Not a claim", "Opinion, question or other text that makes no factual claim.",
     "#5e81ac", "7", None, False, False),
]

REVIEWER_PERMISSIONS = [
    "view_article", "view_sentence", "view_label", "view_tag",
    "add_review", "change_review", "delete_review", "view_review",
    "view_verdict", "view_history", "view_assignment",
]
EDITOR_PERMISSIONS = REVIEWER_PERMISSIONS + [
    "add_article", "change_article", "change_sentence", "add_tag",
    "add_verdict", "change_verdict", "delete_verdict",
    "add_assignment", "change_assignment", "delete_assignment",
]


def create_labels_and_groups(apps, schema_editor):
    Label = apps.get_model("annotations", "Label")
    for order, (slug, name, description, colour, key, rating, is_claim, evidence) in enumerate(
        DEFAULT_LABELS, start=1
    ):
        Label.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name, "description": description, "colour": colour, "key": key,
                "order": order, "rating_value": rating, "is_claim": is_claim,
                "requires_evidence": evidence,
            },
        )

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("annotations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in (("reviewer", REVIEWER_PERMISSIONS), ("editor", EDITOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=group_name)
        perms = Permission.objects.filter(
            content_type__app_label="annotations", codename__in=codenames
        )
        assert perms.count() == len(codenames), "a permission named above does not exist"
        group.permissions.add(*perms)


def remove_labels_and_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["reviewer", "editor"]).delete()
    Label = apps.get_model("annotations", "Label")
    Label.objects.filter(slug__in=[row[0] for row in DEFAULT_LABELS], reviews=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_labels_and_groups, remove_labels_and_groups)]
