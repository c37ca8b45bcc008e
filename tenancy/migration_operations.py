"""A migration operation for changes that only rename things for people: verbose names.

Django records a field's ``verbose_name`` in the migration state, so marking names for
translation writes one ``AlterField`` per field. Each of those re-renders its model and every
model related to it while migrating, and for a few hundred fields a fresh ``migrate`` took
three times as long. ``NamesOnly`` applies the same operations to the state with the models
re-rendered once at the end, and sends no SQL (there is none to send: names live in Python).
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation


class NamesOnly(Operation):
    """``AlterField`` and ``AlterModelOptions`` operations that change names only, applied to
    the migration state together. Any other operation is refused, so nothing that needs SQL
    can hide in here."""

    reversible = True
    reduces_to_sql = True  # to no SQL at all: sqlmigrate prints nothing for it

    def __init__(self, operations: list[Operation]) -> None:
        from django.db.migrations.operations import AlterField, AlterModelOptions

        for operation in operations:
            if not isinstance(operation, AlterField | AlterModelOptions):
                raise TypeError(
                    f"NamesOnly holds AlterField and AlterModelOptions only: {operation}"
                )
        self.operations = operations

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operations], {})

    def state_forwards(self, app_label, state) -> None:
        touched: set[tuple[str, str]] = set()

        def later(app, model, delay=True) -> None:
            touched.add((app, model))

        state.reload_model = later  # each operation's own re-render, put off
        try:
            for operation in self.operations:
                operation.state_forwards(app_label, state)
        finally:
            del state.reload_model
        state.reload_models(sorted(touched), delay=False)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        pass  # names are not in the database

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        pass

    def describe(self) -> str:
        return f"Name {len(self.operations)} fields and models for people (no SQL)"
