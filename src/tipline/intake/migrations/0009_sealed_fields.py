"""The personal columns become sealed text (core.fields) and get their blind index columns;
0010 fills them, 0011 indexes them."""

from django.db import migrations

import tipline.core.fields


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0008_submission_open'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='identifier',
            name='identifier_lookup',
        ),
        migrations.RemoveIndex(
            model_name='ipevent',
            name='ipevent_ip_time',
        ),
        migrations.AddField(
            model_name='identifier',
            name='value_index',
            field=tipline.core.fields.BlindIndexField(blank=True, max_length=32, of='value', per='kind', purpose='identifier'),
        ),
        migrations.AddField(
            model_name='ipevent',
            name='ip_index',
            field=tipline.core.fields.BlindIndexField(blank=True, lower=True, max_length=32, of='ip', purpose='ip'),
        ),
        migrations.AddField(
            model_name='reportfile',
            name='md5_index',
            field=tipline.core.fields.BlindIndexField(blank=True, db_index=True, lower=True, max_length=32, of='md5', purpose='file.md5'),
        ),
        migrations.AddField(
            model_name='reportfile',
            name='sha1_index',
            field=tipline.core.fields.BlindIndexField(blank=True, db_index=True, lower=True, max_length=32, of='sha1', purpose='file.sha1'),
        ),
        migrations.AddField(
            model_name='reportfile',
            name='sha256_index',
            field=tipline.core.fields.BlindIndexField(blank=True, db_index=True, lower=True, max_length=32, of='sha256', purpose='file.sha256'),
        ),
        migrations.AlterField(
            model_name='artifact',
            name='name',
            field=tipline.core.fields.EncryptedTextField(max_length=1000),
        ),
        migrations.AlterField(
            model_name='artifact',
            name='sha256',
            field=tipline.core.fields.EncryptedTextField(max_length=64),
        ),
        migrations.AlterField(
            model_name='identifier',
            name='value',
            field=tipline.core.fields.EncryptedTextField(max_length=500),
        ),
        migrations.AlterField(
            model_name='ipevent',
            name='ip',
            field=tipline.core.fields.EncryptedTextField(help_text='the address as ipaddress writes it'),
        ),
        migrations.AlterField(
            model_name='place',
            name='ip',
            field=tipline.core.fields.EncryptedTextField(blank=True, help_text='for NCMEC geolocation', null=True),
        ),
        migrations.AlterField(
            model_name='place',
            name='latitude',
            field=tipline.core.fields.EncryptedFloatField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='place',
            name='longitude',
            field=tipline.core.fields.EncryptedFloatField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='place',
            name='street',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=500),
        ),
        migrations.AlterField(
            model_name='report',
            name='additional_info',
            field=tipline.core.fields.EncryptedTextField(blank=True, help_text='free text from the sender'),
        ),
        migrations.AlterField(
            model_name='report',
            name='details',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=list, help_text='values the sender wrote that map to no field, as [path, value] pairs (lawEnforcement/agencyName, ...): kept and shown, never dropped'),
        ),
        migrations.AlterField(
            model_name='report',
            name='escalation_note',
            field=tipline.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='report',
            name='ncmec_notes',
            field=tipline.core.fields.EncryptedTextField(blank=True, help_text="what NCMEC's analysts added"),
        ),
        migrations.AlterField(
            model_name='report',
            name='reporter',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=dict, help_text="the reporting person/company's contact block"),
        ),
        migrations.AlterField(
            model_name='report',
            name='urls',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=list, help_text='where the platform saw the content (webPageIncident)'),
        ),
        migrations.AlterField(
            model_name='report',
            name='warnings',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=list, help_text='what the importer could not use (an optional value that does not read), with the value as sent'),
        ),
        migrations.AlterField(
            model_name='reportfile',
            name='declared_hashes',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='reportfile',
            name='esp_metadata',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='reportfile',
            name='filename',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=1000),
        ),
        migrations.AlterField(
            model_name='reportfile',
            name='location_url',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=2083),
        ),
        migrations.AlterField(
            model_name='reportfile',
            name='md5',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name='reportfile',
            name='original_filename',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=2056),
        ),
        migrations.AlterField(
            model_name='reportfile',
            name='sha1',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='reportfile',
            name='sha256',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='subject',
            name='date_of_birth',
            field=tipline.core.fields.EncryptedDateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='subject',
            name='device_ids',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=list, help_text='[{type, value}]'),
        ),
        migrations.AlterField(
            model_name='subject',
            name='display_names',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name='subject',
            name='emails',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=list, help_text='lower-cased addresses'),
        ),
        migrations.AlterField(
            model_name='subject',
            name='esp_user_id',
            field=tipline.core.fields.EncryptedTextField(blank=True, help_text='platform user id', max_length=300),
        ),
        migrations.AlterField(
            model_name='subject',
            name='first_name',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name='subject',
            name='last_name',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name='subject',
            name='middle_name',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name='subject',
            name='notes',
            field=tipline.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='subject',
            name='phones',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=list, help_text='E.164 where parseable'),
        ),
        migrations.AlterField(
            model_name='subject',
            name='profile_urls',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name='subject',
            name='screen_name',
            field=tipline.core.fields.EncryptedTextField(blank=True, max_length=300),
        ),
    ]
