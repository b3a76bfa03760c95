import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE annotations_{table} SET article_id = (
    SELECT article_id FROM annotations_sentence
    WHERE annotations_sentence.id = annotations_{table}.sentence_id
)
"""


class Migration(migrations.Migration):
    """Reviews and verdicts store their sentence's article (filled from the sentences)."""

    dependencies = [
        ('annotations', '0004_review_summaries'),
    ]

    operations = [
        migrations.AddField(
            model_name='review',
            name='article',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='annotations.article'),
        ),
        migrations.AddField(
            model_name='verdict',
            name='article',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='verdicts', to='annotations.article'),
        ),
        migrations.RunSQL(FILL.format(table="review"), migrations.RunSQL.noop),
        migrations.RunSQL(FILL.format(table="verdict"), migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='review',
            name='article',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='annotations.article'),
        ),
        migrations.AlterField(
            model_name='verdict',
            name='article',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='verdicts', to='annotations.article'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(fields=['reviewer', 'article'], name='review_reviewer_article_idx'),
        ),
    ]
