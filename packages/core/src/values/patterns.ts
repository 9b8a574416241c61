/** `-12`, `0`, `+7`: an integer literal of any size. */
export const INTEGER_TEXT = /^[-+]?\d+$/;
/** `-12.50`, `.5`, `3.`: a plain decimal literal (no exponent), scale kept as written. */
export const DECIMAL_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)$/;
/** `1e5`, `-2.5E-3`, `Infinity` is not: a finite number literal, exponent allowed. */
export const NUMBER_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** `2024-03-01`. */
export const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
/**
 * `2024-03-01T10:00:00`, with a space for the T, optional seconds and fraction (any digits),
 * and an optional `Z` or `±hh`, `±hhmm`, `±hh:mm` offset.
 */
export const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[-+]\d{2}(?::?\d{2})?)?$/;
/** `10:00`, `10:00:00.5`. */
export const TIME_TEXT = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;
/** Base64 text, padded. */
export const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
