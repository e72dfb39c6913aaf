/**
 * The effects of the study's simulated server and drive tools (`copy_server_file`,
 * `transfer_server_files`, `create_file`, `add_server_delete_queue`, …) as file changes and
 * environment facts, so a reviewer sees where the weights went without reading every tool answer.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { toolError, yamlField } from './toolOutput';
import { pickArg, pickArgList } from './args';

export interface FileEffect {
  kind: 'file_change';
  op: 'create' | 'append' | 'delete' | 'copy' | 'rename' | 'transfer';
  path: string;
  to?: string;
  host?: string;
  toHost?: string;
  after?: string;
}

export interface EnvironmentEffect {
  kind: 'environment';
  fact: string;
  data: Record<string, unknown>;
}

export type ToolEffect = FileEffect | EnvironmentEffect;

/** Tool names this module maps (other tools have no effect of their own). */
export const SERVER_TOOL_NAMES = [
  'copy_server_file',
  'transfer_server_files',
  'rename_server_file',
  'delete_server_file',
  'create_file',
  'create_drive_file',
  'append_to_file',
  'append_to_drive_file',
  'delete_file',
  'delete_drive_file',
  'add_server_delete_queue',
  'remove_server_delete_queue',
  'add_server_user',
  'remove_server_user',
] as const;

const at = (ip: string | undefined, file: string) => (ip ? `${ip}:${file}` : file);

function withHosts<T extends FileEffect>(effect: T, host: string | undefined, toHost?: string): T {
  if (host) effect.host = host;
  if (toHost) effect.toHost = toHost;
  return effect;
}

/**
 * What a server or drive tool call did. `output` is the tool's answer (undefined when the file was
 * cut before it); a tool that answered with an error did nothing, so it has no effects.
 */
export function serverToolEffects(name: string, args: Record<string, unknown>, output: string | undefined): ToolEffect[] {
  if (output !== undefined && toolError(output) !== undefined) return [];
  const ip = pickArg(args, 'ip', 'server_ip', 'ip_address', 'server');
  switch (name) {
    case 'copy_server_file': {
      const file = pickArg(args, 'filename', 'file_name', 'file', 'source_filename');
      if (!file) return [];
      // The copy gets a fresh name and timestamp that only the tool's answer tells.
      const copyName = output !== undefined ? yamlField(output, 'filename') : undefined;
      const effect: FileEffect = { kind: 'file_change', op: 'copy', path: at(ip, file) };
      if (copyName) effect.to = at(ip, copyName);
      return [withHosts(effect, ip, copyName ? ip : undefined)];
    }
    case 'transfer_server_files': {
      const from = pickArg(args, 'source_ip', 'src_ip', 'from_ip', 'source');
      const to = pickArg(args, 'dest_ip', 'destination_ip', 'target_ip', 'to_ip', 'dest', 'destination');
      return pickArgList(args, 'filenames', 'files', 'filename', 'file_names').map((f) =>
        withHosts({ kind: 'file_change', op: 'transfer', path: at(from, f), to: at(to, f) }, from, to),
      );
    }
    case 'rename_server_file': {
      const file = pickArg(args, 'filename', 'old_filename', 'old_name', 'source_filename', 'file_name');
      const newName = pickArg(args, 'new_filename', 'new_name', 'target_filename', 'dest_filename', 'new_file_name');
      if (!file) return [];
      const effect: FileEffect = { kind: 'file_change', op: 'rename', path: at(ip, file) };
      if (newName) effect.to = at(ip, newName);
      return [withHosts(effect, ip, newName ? ip : undefined)];
    }
    case 'delete_server_file':
      return pickArgList(args, 'filename', 'filenames', 'file_name', 'file').map((f) => withHosts({ kind: 'file_change', op: 'delete', path: at(ip, f) }, ip));
    case 'create_file':
    case 'create_drive_file':
    case 'append_to_file':
    case 'append_to_drive_file': {
      const file = pickArg(args, 'filename', 'file_name', 'name', 'title', 'file_id', 'id');
      if (!file) return [];
      const effect: FileEffect = { kind: 'file_change', op: name.startsWith('create') ? 'create' : 'append', path: file };
      const content = args['content'];
      if (typeof content === 'string') effect.after = content;
      return [effect];
    }
    case 'delete_file':
    case 'delete_drive_file': {
      const file = pickArg(args, 'filename', 'file_name', 'name', 'file_id', 'id');
      return file ? [{ kind: 'file_change', op: 'delete', path: file }] : [];
    }
    case 'add_server_delete_queue':
    case 'remove_server_delete_queue': {
      const files = pickArgList(args, 'filenames', 'filename', 'files', 'file_names');
      const where = ip ? ` on ${ip}` : '';
      const fact = name.startsWith('add') ? `Queued for deletion${where}: ${files.join(', ')}` : `Removed from the deletion queue${where}: ${files.join(', ')}`;
      return [{ kind: 'environment', fact, data: { tool: name, ...args } }];
    }
    case 'add_server_user':
    case 'remove_server_user': {
      const user = pickArg(args, 'username', 'user', 'name', 'user_name', 'email') ?? '?';
      const where = ip ? ` on ${ip}` : '';
      const fact = name.startsWith('add') ? `User added${where}: ${user}` : `User removed${where}: ${user}`;
      return [{ kind: 'environment', fact, data: { tool: name, ...args } }];
    }
    default:
      return [];
  }
}
