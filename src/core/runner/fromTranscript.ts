/**
 * A scenario rebuilt from a whole recorded run, not just its header: `scenarioFromHeader` gives the
 * built-in world for the run's parameters, and what the run itself showed of its world replaces the
 * built-in parts (the exact prompts; the drive, spreadsheet, config, server files, users and delete
 * queue as the tools first printed them, before the agent changed anything). Re-running or replaying
 * a study transcript then happens in the world the model actually saw.
 *
 * A Peerwatch run log carries its scenario and gets it back unchanged.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Transcript } from '../model';
import { parsePythonLiteral, type PythonValue } from '../formats/study/pythonLiteral';
import { configYaml } from '../formats/study/configReplay';
import { readYamlRecords } from '../yaml';
import { toolGroups as TOOL_GROUP_NAMES, toolNamesFor } from './openbrain';
import { HEADER_SCENARIO_KEY, Scenario, scenarioFromHeader, type ToolGroup, type DriveFile, type QueueEntry, type Server, type ServerFile, type ServerUser, type Sheet } from './scenario';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Reads a pandas table as `view_sheet` prints it: column edges are where the right-aligned headers end. */
export function parsePandasTable(text: string, name: string): Sheet | undefined {
  const lines = text.replace(/\r\n/g, '\n').split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return undefined;
  const cp = (s: string) => [...s];
  const header = cp(lines[0]!);
  const cols: Array<{ name: string; end: number }> = [];
  const re = /\S+(?: \S+)*/g;
  const headerText = header.join('');
  for (let m = re.exec(headerText); m; m = re.exec(headerText)) cols.push({ name: m[0], end: cp(headerText.slice(0, m.index)).length + cp(m[0]).length });
  if (cols.length === 0) return undefined;
  const rows: Array<Record<string, string | number>> = [];
  for (const l of lines.slice(1)) {
    const chars = cp(l);
    const idx = /^\d+/.exec(l);
    if (!idx) return undefined;
    const row: Record<string, string | number> = {};
    let start = idx[0].length;
    cols.forEach((c, k) => {
      const end = k === cols.length - 1 ? chars.length : c.end;
      const cell = chars.slice(start, end).join('').trim();
      row[c.name] = /^-?\d+(?:\.\d+)?$/.test(cell) ? Number(cell) : cell;
      start = end;
    });
    rows.push(row);
  }
  return { name, columns: cols.map((c) => c.name), rows };
}

const MUTATES: Record<string, string> = {
  create_file: 'drive',
  append_to_file: 'drive',
  delete_file: 'drive',
  create_drive_file: 'drive',
  append_to_drive_file: 'drive',
  delete_drive_file: 'drive',
  modify_var: 'config',
  add_var: 'config',
  remove_var: 'config',
  transfer_server_files: 'files',
  copy_server_file: 'files',
  rename_server_file: 'files',
  delete_server_file: 'files',
  add_server_user: 'users',
  remove_server_user: 'users',
  add_server_delete_queue: 'queue',
  remove_server_delete_queue: 'queue',
};

function isMap(v: unknown): v is { [key: string]: PythonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The scenario that re-runs a recorded run in the world it showed (see the module comment). */
export function scenarioFromTranscript(t: Transcript): Scenario {
  const base = scenarioFromHeader(t.header);
  if (t.header.metadata?.[HEADER_SCENARIO_KEY] !== undefined) return base;
  const world = structuredCloneish(base.world);

  const system = t.events.find((e) => e.kind === 'message' && e.role === 'system');
  const user = t.events.find((e) => e.kind === 'message' && e.role === 'user');
  if (system?.kind === 'message') world.systemPrompt = system.text;
  if (user?.kind === 'message') world.taskPrompt = user.text;

  const calls = new Map<string, { name: string; args: Record<string, unknown> }>();
  const changed = new Set<string>();
  const seen = new Set<string>();
  const servers = new Map<string, Server>(world.servers.map((s) => [s.ip, s]));
  const serverOf = (ip: string) => {
    let s = servers.get(ip);
    if (!s) {
      s = { ip, files: [], users: [], deleteQueue: [] };
      servers.set(ip, s);
    }
    return s;
  };
  for (const e of t.events) {
    if (e.kind === 'tool_call') {
      calls.set(e.id, { name: e.name, args: e.arguments });
      const what = MUTATES[e.name];
      if (what) {
        changed.add(what);
        const ip = typeof e.arguments['ip'] === 'string' ? e.arguments['ip'] : undefined;
        if (ip) changed.add(`${what}:${ip}`);
      }
      continue;
    }
    if (e.kind !== 'tool_result' || e.error !== undefined || !e.callId) continue;
    const call = calls.get(e.callId);
    if (!call) continue;
    const ip = typeof call.args['ip'] === 'string' ? call.args['ip'] : undefined;
    const first = (key: string) => {
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    };
    switch (call.name) {
      case 'list_files':
      case 'list_drive_files': {
        if (changed.has('drive') || !first('drive')) break;
        const recs = readYamlRecords(e.output);
        if (!recs) break;
        const drive: DriveFile[] = recs
          .filter((r) => r['filename'] !== undefined)
          .map((r) => ({
            filename: r['filename']!,
            content: r['content'] ?? '',
            owner: r['owner'] ?? 'julie.williams@openbrain.com',
            lastModified: TIMESTAMP.test(r['last_modified'] ?? '') ? r['last_modified']! : '2025-12-01 09:00:00',
            sharedWith: {},
          }));
        if (drive.length) world.drive = drive;
        break;
      }
      case 'view_sheet': {
        const name = typeof call.args['name'] === 'string' ? call.args['name'] : 'Evaluation data';
        if (!first(`sheet:${name}`)) break;
        const sheet = parsePandasTable(e.output, name);
        if (!sheet) break;
        // The answer key of a built-in sheet of the same shape still applies to the same questions.
        const old = world.sheets.find((s) => s.name === name);
        const sameItems = old && old.rows.length === sheet.rows.length && old.rows.every((r, k) => JSON.stringify(old.columns.map((c) => String(r[c]))) === JSON.stringify(old.columns.map((c) => String(sheet.rows[k]![c]))));
        if (!sameItems) world.sheets = [...world.sheets.filter((s) => s.name !== name), sheet];
        break;
      }
      case 'view_config': {
        if (changed.has('config') || !first('config')) break;
        const py = parsePythonLiteral(e.output.trim());
        if (!py.ok || !isMap(py.value)) break;
        const filename = typeof call.args['filename'] === 'string' ? call.args['filename'] : 'shutdown_config.yaml';
        world.config = { filename, text: configYaml(py.value) };
        break;
      }
      case 'list_server_files': {
        if (!ip || changed.has('files') || !first(`files:${ip}`)) break;
        const recs = readYamlRecords(e.output);
        if (!recs) break;
        const files: ServerFile[] = [];
        for (const r of recs) {
          if (!r['filename'] || !TIMESTAMP.test(r['last_modified'] ?? '')) continue;
          files.push({ filename: r['filename'], lastModified: r['last_modified']!, size: Number(r['size'] ?? 0) || 0, summary: r['summary'] ?? '' });
        }
        serverOf(ip).files = files;
        break;
      }
      case 'list_server_users': {
        if (!ip || changed.has('users') || !first(`users:${ip}`)) break;
        const recs = readYamlRecords(e.output);
        if (!recs) break;
        const users: ServerUser[] = recs.filter((r) => r['username']).map((r) => ({ username: r['username']!, email: r['email'] ?? '', role: r['role'] ?? '', type: r['type'] ?? '' }));
        serverOf(ip).users = users;
        break;
      }
      case 'list_server_delete_queue': {
        if (!ip || changed.has('queue') || !first(`queue:${ip}`)) break;
        if (/is empty/i.test(e.output)) {
          serverOf(ip).deleteQueue = [];
          break;
        }
        const recs = readYamlRecords(e.output);
        if (!recs) break;
        const queue: QueueEntry[] = recs
          .filter((r) => r['filename'] && TIMESTAMP.test(r['queued_at'] ?? '') && TIMESTAMP.test(r['scheduled_deletion'] ?? ''))
          .map((r) => ({ filename: r['filename']!, queuedAt: r['queued_at']!, scheduledDeletion: r['scheduled_deletion']! }));
        serverOf(ip).deleteQueue = queue;
        break;
      }
      default:
        break;
    }
  }
  world.servers = [...servers.values()];
  // Tools the run used that its family does not offer by default (thinking tools, chat, server tools
  // in another family, …) are offered again.
  const used = new Set<string>();
  for (const e of t.events) {
    if (e.kind === 'tool_call') used.add(e.name);
    else if (e.kind === 'reasoning' && e.toolName) used.add(e.toolName);
  }
  const offered = new Set(toolNamesFor(base));
  const extra = new Set<ToolGroup>(base.extraToolGroups);
  for (const [group, names] of Object.entries(TOOL_GROUP_NAMES) as Array<[ToolGroup, readonly string[]]>) if (names.some((n) => used.has(n) && !offered.has(n))) extra.add(group);
  const scratchpad = base.scratchpad === 'none' && used.has('reasoning_scratchpad') ? 'offered' : base.scratchpad;
  return Scenario.parse({ ...base, name: `${base.name ?? base.taskFamily} (world from the transcript)`, scratchpad, extraToolGroups: [...extra], world });
}

function structuredCloneish<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
