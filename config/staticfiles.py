"""Static files in production: compressed, named by their content so browsers may keep them for
a year, and with the imports inside JavaScript modules renamed too.

Without the module imports renamed, static/js/govuk-init.js would import GOV.UK Frontend under
its plain name, which WhiteNoise serves with a short cache lifetime and which a new release
could change under a page still holding the old one.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
