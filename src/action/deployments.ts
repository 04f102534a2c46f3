/**
 * GitHub deployment records for a deploy or rollback: a deployment per operation and its statuses
 * (in_progress → success | failure; inactive for the deployment a rollback leaves). The API is reached at
 * GITHUB_API_URL (GitHub Enterprise, or a test server). A failed API call is a warning: the deploy
 * itself never fails because a record could not be written (e.g. the token lacks `deployments: write`).
 */
import { getOctokit } from '@actions/github'
import type { Reporter } from '../reporter.js'

/** The states Slipway sets. */
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'inactive'

/** One deployment record being written. */
export interface Deployments {
  /** Creates a deployment for `ref` (a commit sha); returns its id, or undefined when the API refused. */
  create(ref: string, description: string, payload: Record<string, string>): Promise<number | undefined>
  /** Adds a status to a deployment. */
  status(id: number | undefined, state: DeploymentState, description: string, url?: string): Promise<void>
  /** Marks the newest deployment of `sha` in this environment inactive (the release a rollback left). */
  deactivate(sha: string, description: string): Promise<void>
}

/** Where the records go. */
export interface DeploymentTarget {
  token: string
  environment: string
  env?: NodeJS.ProcessEnv
}

/** A Deployments writer on @actions/github's Octokit, or undefined without a token or repository. */
export function deployments(target: DeploymentTarget, log: Reporter): Deployments | undefined {
  const env = target.env ?? process.env
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!target.token || !owner || !repo) return undefined
  const octokit = getOctokit(target.token, { baseUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '') })
  const logUrl = `${env.GITHUB_SERVER_URL || 'https://github.com'}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID ?? ''}`
  const environment = target.environment
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn()
    } catch (error) {
      log.warn(`GitHub deployment record: ${what} failed: ${recordProblem(error, env.GITHUB_API_URL || 'https://api.github.com')}`)
      return undefined
    }
  }
  return {
    async create(ref, description, payload) {
      const res = await attempt('creating the deployment', () => octokit.request('POST /repos/{owner}/{repo}/deployments', {
        owner, repo, ref, environment, description, payload, auto_merge: false, required_contexts: [], transient_environment: false
      }))
      const id = res && 'id' in res.data ? Number(res.data.id) : undefined
      if (res && id === undefined) log.warn(`GitHub deployment record: the API did not create a deployment (${JSON.stringify(res.data).slice(0, 200)})`)
      return id
    },
    async status(id, state, description, url) {
      if (id === undefined) return
      await attempt(`setting status ${state}`, () => octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        owner, repo, deployment_id: id, state, description: description.slice(0, 140), log_url: logUrl, ...(url ? { environment_url: url } : {})
      }))
    },
    async deactivate(sha, description) {
      const list = await attempt('finding the deployment to mark inactive', () => octokit.request('GET /repos/{owner}/{repo}/deployments', { owner, repo, environment, sha, per_page: 1 }))
      const found = list?.data[0]
      if (found) await this.status(Number(found.id), 'inactive', description)
    }
  }
}

/**
 * What a failed API call means, and its fix: only a refusal (401, 403, 404) is a permission problem; a request
 * that got no answer is a network problem; anything else is reported with its HTTP status.
 */
export function recordProblem(error: unknown, apiUrl: string): string {
  const e = error as { message?: unknown; status?: unknown; response?: unknown }
  const message = String(e?.message ?? error)
  const after = 'The deploy itself is not affected'
  const off = 'set github-token: \'\' to turn records off'
  if (e?.response === undefined) return `${apiUrl} did not answer (${message}). ${after}; check GITHUB_API_URL and the runner's network, or ${off}`
  if (e.status === 401 || e.status === 403 || e.status === 404) return `HTTP ${e.status}: ${message}. ${after}; give the job \`permissions: deployments: write\`, or ${off}`
  return `HTTP ${String(e.status)}: ${message}. ${after}; ${off}`
}
