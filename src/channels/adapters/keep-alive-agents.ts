import http from 'node:http';
import https from 'node:https';

/**
 * The TCP keep-alive delay axios' Node adapter sets on the socket of every request it sends
 * (`socket.setKeepAlive(true, 60_000)`, not configurable).
 */
export const AXIOS_SOCKET_KEEPALIVE_MS = 60_000;

/**
 * Keep-alive agents for the adapters' axios clients (axios' own Node adapter sends through them).
 * A release sends thousands of posts to a few hosts, so sockets are reused; and the agents set TCP
 * keep-alive with the same delay as axios does: Node's agent re-applies its own `keepAliveMsecs`
 * (default 1 s) each time a socket goes back to the pool, axios applies 60 s each time the socket
 * is handed to a request, and two different values would change the socket option back and forth
 * (a system call each time) on every request.
 *
 * Explicit agents also mean no dependence on the process-wide global agent, which anyone may change.
 */
export interface KeepAliveAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

export function keepAliveAgents(): KeepAliveAgents {
  const options = { keepAlive: true, keepAliveMsecs: AXIOS_SOCKET_KEEPALIVE_MS };
  return { httpAgent: new http.Agent(options), httpsAgent: new https.Agent(options) };
}
