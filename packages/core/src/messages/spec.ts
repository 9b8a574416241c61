import { type Static, Type } from 'typebox';

/** What a connector says about itself: its config's JSON Schema and what it supports. */
export const ConnectorSpecification = Type.Object({
  documentationUrl: Type.Optional(Type.String()),
  changelogUrl: Type.Optional(Type.String()),
  connectionSpecification: Type.Record(Type.String(), Type.Unknown()),
  supportsIncremental: Type.Optional(Type.Boolean()),
  supported_destination_sync_modes: Type.Optional(Type.Array(Type.String())),
  protocol_version: Type.Optional(Type.String()),
});
/** What a connector says about itself. */
export type ConnectorSpecification = Static<typeof ConnectorSpecification>;

/** The answer of `check`: whether the connector can reach and use what its config names. */
export const ConnectionStatus = Type.Object({
  status: Type.Union([Type.Literal('SUCCEEDED'), Type.Literal('FAILED')]),
  message: Type.Optional(Type.String()),
});
/** The answer of `check`. */
export type ConnectionStatus = Static<typeof ConnectionStatus>;

/** A connector asking the platform to store a changed config (a refreshed token). */
export const ControlMessage = Type.Object({
  type: Type.Literal('CONNECTOR_CONFIG'),
  emitted_at: Type.Number(),
  connectorConfig: Type.Object({ config: Type.Record(Type.String(), Type.Unknown()) }),
});
/** A connector asking the platform to store a changed config. */
export type ControlMessage = Static<typeof ControlMessage>;
