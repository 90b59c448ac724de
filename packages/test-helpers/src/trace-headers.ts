/**
 * One distinct value for every header of contract §1.1, so a test can check each arrives verbatim.
 * The kit's propagation test keeps it in step with PROPAGATED_HEADERS.
 */
export const TRACE_HEADERS: Record<string, string> = {
  'x-request-id': '34eeb41d-d267-9e49-8b84-dde403fc5b72',
  'x-ot-span-context': 'ot-span-context-value',
  'x-datadog-trace-id': '1234567890123',
  'x-datadog-parent-id': '9876543210',
  'x-datadog-sampling-priority': '1',
  traceparent: '00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01',
  tracestate: 'vendor=opaque',
  'x-cloud-trace-context': '105445aa7843bc8bf206b120001000/1;o=1',
  'grpc-trace-bin': 'AAARf5iFyewQ3tPdkxRmbBAB',
  'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
  'x-b3-spanid': 'e457b5a2e4d86bd1',
  'x-b3-parentspanid': '05e3ac9a4f6e3b90',
  'x-b3-sampled': '1',
  'x-b3-flags': '0',
  b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90',
  sw8: '40c7fdf104e3de67',
  'end-user': 'jason',
  'user-agent': 'bookinfo-test/1.0',
  cookie: 'session=abc.def; theme=dark',
  authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.test.signature',
  jwt: 'eyJhbGciOiJSUzI1NiJ9.jwt.signature',
}
