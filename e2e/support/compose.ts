// The deployment as the README describes it: a `.env` made from example.env, then compose.yaml up with build,
// on this machine's Docker engine. Without a registry the base images are local stand-ins (one override file
// swaps their names; nothing else differs from production).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DockerComposeEnvironment, type StartedDockerComposeEnvironment } from 'testcontainers';

const run = promisify(execFile);
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const composeFiles = ['compose.yaml', 'infra/docker/compose.local-base.yaml'];
export const projectName = 'inclubit-e2e';

/** Fails with the command that fixes it when no Docker engine answers. */
export async function requireDocker(): Promise<void> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}']);
  } catch {
    throw new Error(
      'no Docker engine: install and start it with `bash infra/scripts/start-docker.sh` (root)',
    );
  }
}

/** `docker compose` (v2) when installed, else the standalone `docker-compose` (v1.29, Debian's). */
export async function composeCommand(): Promise<string[]> {
  try {
    await run('docker', ['compose', 'version']);
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
}

/** Runs a command; resolves with its exit code and everything it printed (never rejects on exit codes). */
async function capture(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { ...options, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Runs compose with this project's files; resolves with the exit code and everything it printed. */
export async function compose(envFile: string, args: string[]): Promise<{ code: number; output: string }> {
  const [cmd, ...pre] = await composeCommand();
  const files = composeFiles.flatMap((f) => ['-f', f]);
  return capture(cmd!, [...pre, '--env-file', envFile, '-p', projectName, ...files, ...args], {
    cwd: repo,
    env: { ...process.env, ENV_FILE: envFile },
  });
}

/** example.env with the required settings filled in: what a person does after `cp example.env .env`. */
export async function writeEnvFile(settings: Record<string, string>): Promise<string> {
  let text = await fs.readFile(path.join(repo, 'example.env'), 'utf8');
  for (const [name, value] of Object.entries(settings)) {
    const line = new RegExp(`^${name}=.*$`, 'm');
    if (!line.test(text)) throw new Error(`example.env has no ${name}= line`);
    text = text.replace(line, `${name}=${value}`);
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inclubit-deploy-'));
  const file = path.join(dir, '.env');
  await fs.writeFile(file, text, { mode: 0o600 });
  return file;
}

/**
 * `docker compose up -d --build` through testcontainers. When the stack does not come up, the error carries
 * what explains it (each service's state, health probes and last log lines) and nothing is left running.
 */
export async function composeUp(envFile: string): Promise<StartedDockerComposeEnvironment> {
  const [cmd] = await composeCommand();
  try {
    return await new DockerComposeEnvironment(repo, composeFiles)
      .withProjectName(projectName)
      .withEnvironmentFile(envFile)
      .withEnvironment({ ENV_FILE: envFile })
      .withBuild()
      .withClientOptions(cmd === 'docker-compose' ? { executable: { standalone: true } } : {})
      .withStartupTimeout(120_000)
      .up();
  } catch (error) {
    const why = await stackDiagnostics(envFile);
    await compose(envFile, ['down', '--volumes', '--timeout', '20']);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${why}`, { cause: error });
  }
}

/** Each of the project's containers: its state, its health probes' last results and its last log lines. */
async function stackDiagnostics(envFile: string): Promise<string> {
  const ids = (
    await capture('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${projectName}`])
  ).output
    .split('\n')
    .filter(Boolean);
  const parts = await Promise.all(
    ids.map(async (id) => {
      const state = await capture('docker', [
        'inspect',
        '--format',
        '{{.Name}} {{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}} {{json .State.Health}}',
        id,
      ]);
      const logs = await capture('docker', ['logs', '--tail', '40', id]);
      return `--- ${state.output.trim()}\n${logs.output.trim()}`;
    }),
  );
  const ps = await compose(envFile, ['ps']);
  return [`docker compose ps:\n${ps.output.trim()}`, ...parts].join('\n');
}

async function containerOf(service: string): Promise<string> {
  const { stdout } = await run('docker', [
    'ps',
    '-q',
    '--filter',
    `label=com.docker.compose.project=${projectName}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  ]);
  const id = stdout.trim().split('\n')[0];
  if (!id) throw new Error(`no running container for service ${service}`);
  return id;
}

/** Runs a command in a running service's container; resolves with its exit code and output. */
export async function execInService(service: string, command: string[]) {
  return capture('docker', ['exec', await containerOf(service), ...command]);
}

/** Reads a file from a running service's container. */
export async function readFromService(service: string, file: string): Promise<string> {
  const { code, output } = await execInService(service, ['cat', file]);
  if (code !== 0) throw new Error(`cannot read ${file} in ${service}: ${output}`);
  return output;
}

/** Runs `bash <script>` from the repository, printing how long it took. */
export async function runScript(script: string, ...args: string[]): Promise<void> {
  const started = Date.now();
  await run('bash', [path.join(repo, script), ...args], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  console.log(`[deploy] ${script}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
