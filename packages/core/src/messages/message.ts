import { type Static, Type } from 'typebox';
import { Catalog } from './catalog.js';
import { LogMessage } from './log.js';
import { RecordMessage } from './record.js';
import { ConnectionStatus, ConnectorSpecification, ControlMessage } from './spec.js';
import { StateMessage } from './state.js';
import { TraceMessage } from './trace.js';

/** The envelope of every protocol message, in process and on the wire (one JSON line each). */
export const Message = Type.Object({
  type: Type.Union([
    Type.Literal('RECORD'),
    Type.Literal('STATE'),
    Type.Literal('LOG'),
    Type.Literal('TRACE'),
    Type.Literal('SPEC'),
    Type.Literal('CATALOG'),
    Type.Literal('CONNECTION_STATUS'),
    Type.Literal('CONTROL'),
  ]),
  record: Type.Optional(RecordMessage),
  state: Type.Optional(StateMessage),
  log: Type.Optional(LogMessage),
  trace: Type.Optional(TraceMessage),
  spec: Type.Optional(ConnectorSpecification),
  catalog: Type.Optional(Catalog),
  connectionStatus: Type.Optional(ConnectionStatus),
  control: Type.Optional(ControlMessage),
});

/** A RECORD message. */
export type RecordEnvelope = { type: 'RECORD'; record: RecordMessage };
/** A STATE message. */
export type StateEnvelope = { type: 'STATE'; state: StateMessage };
/** A LOG message. */
export type LogEnvelope = { type: 'LOG'; log: LogMessage };
/** A TRACE message. */
export type TraceEnvelope = { type: 'TRACE'; trace: TraceMessage };
/** A SPEC message. */
export type SpecEnvelope = { type: 'SPEC'; spec: ConnectorSpecification };
/** A CATALOG message. */
export type CatalogEnvelope = { type: 'CATALOG'; catalog: Catalog };
/** A CONNECTION_STATUS message. */
export type ConnectionStatusEnvelope = {
  type: 'CONNECTION_STATUS';
  connectionStatus: ConnectionStatus;
};
/** A CONTROL message. */
export type ControlEnvelope = { type: 'CONTROL'; control: ControlMessage };

/** Any protocol message, narrowed by its `type`. */
export type Message =
  | RecordEnvelope
  | StateEnvelope
  | LogEnvelope
  | TraceEnvelope
  | SpecEnvelope
  | CatalogEnvelope
  | ConnectionStatusEnvelope
  | ControlEnvelope;

/** The loose static shape of the envelope schema, as it arrives from another tool. */
export type MessageEnvelope = Static<typeof Message>;

/** Builds a RECORD message. */
export function record(
  stream: string,
  data: Record<string, unknown>,
  emittedAt: number = Date.now(),
  namespace?: string,
): RecordEnvelope {
  const body: RecordMessage = { stream, data, emitted_at: emittedAt };
  if (namespace !== undefined) body.namespace = namespace;
  return { type: 'RECORD', record: body };
}

/** Builds a STATE message. */
export function state(value: StateMessage): StateEnvelope {
  return { type: 'STATE', state: value };
}

/** Builds a LOG message. */
export function log(level: LogMessage['level'], message: string): LogEnvelope {
  return { type: 'LOG', log: { level, message } };
}

/** Builds a TRACE message of the given kind, stamped now. */
export function trace(body: Omit<TraceMessage, 'emitted_at'>): TraceEnvelope {
  return { type: 'TRACE', trace: { ...body, emitted_at: Date.now() } };
}
