/**
 * The columns every destination adds next to the data, with reserved `_tributary_` names that
 * no source field may take.
 */
export const METADATA_COLUMNS = {
  /** When the source read the record (the RECORD's emitted_at), as UTC text with micros. */
  extractedAt: '_tributary_extracted_at',
  /** The sync_id of the run that last changed the row. */
  syncId: '_tributary_sync_id',
  /** Set by a soft delete to the deletion marker's cursor value; null for a live row. */
  deletedAt: '_tributary_deleted_at',
} as const;

/** The prefix reserved for Tributary's own columns and tables. */
export const RESERVED_PREFIX = '_tributary_';

/** The table in which a destination keeps the states it committed with its data. */
export const STATE_TABLE = '_tributary_state';

/** The table in which a destination keeps each stream's field-to-column map. */
export const COLUMN_MAP_TABLE = '_tributary_columns';
