# The fixed-window counter becomes a token bucket (LINK-5, LINK-10). The old rows counted
# failures in a window that has no meaning for a bucket; they are dropped (at worst a client
# blocked at the moment of the upgrade starts with a full bucket).

from typing import Any

import django.utils.timezone
from django.db import migrations, models


def forget_old_counts(apps: Any, schema_editor: Any) -> None:
    apps.get_model("questionnaires", "RateLimitBucket").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('questionnaires', '0005_group_safety'),
    ]

    operations = [
        migrations.RunPython(forget_old_counts, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='ratelimitbucket',
            name='failures',
        ),
        migrations.RemoveField(
            model_name='ratelimitbucket',
            name='window_started',
        ),
        migrations.AddField(
            model_name='ratelimitbucket',
            name='tokens',
            field=models.FloatField(default=0.0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='ratelimitbucket',
            name='updated',
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        # Going back, the old columns cannot be filled in for a bucket: forget those too.
        migrations.RunPython(migrations.RunPython.noop, forget_old_counts),
    ]
