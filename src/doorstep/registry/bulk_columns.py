"""Column order of household and resident rows written through core.bulk.bulk_insert.

One list each, shared by every bulk writer (the importer, synth): a column added to
Household or Resident is added here once, and the writers' tuples follow this order.
"""

HOUSEHOLD_COPY_FIELDS = [
    "id",
    "household_no",
    "area",
    "area_path",
    "address",
    "latitude",
    "longitude",
    "phone",
    "languages",
    "annual_income",
    "created_at",
    "updated_at",
    "version",
]
RESIDENT_COPY_FIELDS = [
    "household",
    "name",
    "sex",
    "birth_date",
    "relationship",
    "phone",
    "id_number",
    "occupation",
    "skills",
    "name_search",  # registry.search_keys.name_search_key(name): the writers compute it
    "created_at",
    "updated_at",
]
