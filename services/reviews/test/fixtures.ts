export { TRACE_HEADERS } from '@bookinfo/test-helpers/trace-headers'

const TEXT1 = 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!'
const TEXT2 = 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.'

/** Exact bytes of a reviews answer; `rating1`/`rating2` are the JSON of each rating, or undefined for none (v1). */
export function reviewsBytes (id: string, podname: string, clustername: string, rating1?: string, rating2?: string): string {
  const r1 = rating1 === undefined ? '' : `,"rating":${rating1}`
  const r2 = rating2 === undefined ? '' : `,"rating":${rating2}`
  return `{"id":"${id}","podname":"${podname}","clustername":"${clustername}","reviews":[` +
    `{"reviewer":"Reviewer1","text":"${TEXT1}"${r1}},` +
    `{"reviewer":"Reviewer2","text":"${TEXT2}"${r2}}]}`
}

export const UNAVAILABLE = '{"error":"Ratings service is currently unavailable"}'
