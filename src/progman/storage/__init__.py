"""Storage of programs in SQLite or PostgreSQL: tables, migrations, repository, backups.

Only the names below are meant for the rest of progman; SQLAlchemy models stay inside.
"""

from progman.storage.audit import AuditEntry, audit_entries
from progman.storage.backup import BackupInfo, backup_database, restore_database
from progman.storage.db import (
    check_connection,
    create_engine_for,
    default_database_url,
    open_engine,
    require_database_file,
    safe_url,
    session_factory,
    transaction,
)
from progman.storage.migrate import (
    current_revision,
    head_revision,
    require_current_schema,
    upgrade_database,
)
from progman.storage.replay import caught_up
from progman.storage.repository import (
    ProgramSummary,
    SaveResult,
    delete_program,
    list_programs,
    load_program,
    save_edit,
    save_program,
)
from progman.storage.scenarios import (
    ScenarioSummary,
    delete_scenario,
    list_scenarios,
    load_scenario,
    save_scenario,
)
from progman.storage.versions import (
    entity_versions,
    program_revision,
    program_summary,
    resource_versions,
    work_item_versions,
)

__all__ = [
    "AuditEntry",
    "BackupInfo",
    "ProgramSummary",
    "SaveResult",
    "ScenarioSummary",
    "audit_entries",
    "backup_database",
    "caught_up",
    "check_connection",
    "create_engine_for",
    "current_revision",
    "default_database_url",
    "delete_program",
    "delete_scenario",
    "entity_versions",
    "head_revision",
    "list_programs",
    "list_scenarios",
    "load_program",
    "load_scenario",
    "open_engine",
    "program_revision",
    "program_summary",
    "require_current_schema",
    "require_database_file",
    "resource_versions",
    "restore_database",
    "safe_url",
    "save_edit",
    "save_program",
    "save_scenario",
    "session_factory",
    "transaction",
    "upgrade_database",
    "work_item_versions",
]
