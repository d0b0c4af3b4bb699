// The lessons (examples/*.json), embedded by web/scripts/build.mjs at build time: a page opened
// from disk cannot fetch them.
declare module 'tcpplay:lessons' {
  import type { LessonSource } from './engine/controller';
  export const LESSONS: LessonSource[];
}
