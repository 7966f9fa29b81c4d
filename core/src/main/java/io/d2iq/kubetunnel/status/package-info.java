/**
 * The {@code GET /status} contracts between a connector's components and the controller: each record is
 * written by its component and read by the controller with the same names, so a renamed field breaks
 * {@code StatusReportsRoundTripTest}, not the connector's state.
 */
package io.d2iq.kubetunnel.status;
