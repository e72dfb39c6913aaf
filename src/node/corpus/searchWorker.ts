/**
 * The corpus search worker (dist/corpusSearch.js): runs one search (core/corpus/searchRuns.ts) over
 * files on disk, reading each run through the one run reader (readTranscriptFile; a log's samples
 * through the sample-log reader) and posting the events holding the query as it finds them. One worker
 * per search, started by the corpus view (host/corpus/corpusSearch.ts); a new query or Esc terminates
 * it (nothing is kept between searches), so the extension host never reads a file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { searchRuns, type SearchJob, type SearchMessage } from '../../core/corpus/searchRuns';
import { readTranscriptFile } from '../readTranscript';
import { openSampleLogFile } from '../sampleLogs';

export type { SearchJob, SearchMessage } from '../../core/corpus/searchRuns';

if (parentPort && workerData) void searchRuns(workerData as SearchJob, { transcript: readTranscriptFile, sampleLog: (f) => openSampleLogFile(f) }, (m: SearchMessage) => parentPort!.postMessage(m));
