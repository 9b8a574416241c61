import { type Static, Type } from 'typebox';

/** The closed set of log levels, as Airbyte names them. */
export const LogLevel = Type.Union([
  Type.Literal('FATAL'),
  Type.Literal('ERROR'),
  Type.Literal('WARN'),
  Type.Literal('INFO'),
  Type.Literal('DEBUG'),
  Type.Literal('TRACE'),
]);
/** One of FATAL, ERROR, WARN, INFO, DEBUG, TRACE. */
export type LogLevel = Static<typeof LogLevel>;

/** A diagnostic line from a connector. Never carries a secret or a whole record. */
export const LogMessage = Type.Object({
  level: LogLevel,
  message: Type.String(),
  stack_trace: Type.Optional(Type.String()),
});
/** A diagnostic line from a connector. */
export type LogMessage = Static<typeof LogMessage>;
