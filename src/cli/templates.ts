import { METHODS } from '../verifications/catalogue.js';
import { templateToJson } from '../verifications/schema.js';
import { tenantNamed, type CommandInput } from './admin.js';
import { UsageError, printResult, table } from './output.js';

const methodList = () => Object.entries(METHODS).map(([id, name]) => `${id} ${name}`).join(', ');

function methodIds(flags: CommandInput['flags']): number[] {
  const given = flags.method;
  const values = Array.isArray(given) ? given : typeof given === 'string' ? [given] : [];
  if (values.length === 0) throw new UsageError(`give at least one --method <id> (${methodList()})`);
  // `--method 1,2,3` and `--method 1 --method 2` both work.
  return values.flatMap((v) => v.split(',')).map((v) => {
    const id = /^\d{1,3}$/.test(v.trim()) ? Number(v.trim()) : NaN;
    if (!Object.hasOwn(METHODS, id)) throw new UsageError(`unknown method "${v}"; methods are ${methodList()}`);
    return id;
  });
}

export const templateCommands = {
  async create({ services, args, flags, json }: CommandInput) {
    const tenant = await tenantNamed(services, args[0]);
    const name = args[1];
    if (!name) throw new UsageError('usage: tessera template create <tenant> <name> --method <id>... [--default]');
    const created = await services.verifications.createTemplate(tenant, name, methodIds(flags), flags.default === true);
    if (created === 'invalid_name') throw new UsageError('the template name must be 1 to 100 characters');
    if (created === 'invalid_methods') throw new UsageError(`unknown method; methods are ${methodList()}`);
    if (created === 'name_taken') throw new UsageError(`tenant ${tenant.name} already has a template named "${name.trim()}"`);
    printResult(json, templateToJson(created), () =>
      `created template ${created.id} "${created.name}"${created.isDefault ? ' (default)' : ''}: ${created.methodIds.map((id) => METHODS[id]).join(', ')}`);
  },

  async list({ services, args, json }: CommandInput) {
    const tenant = await tenantNamed(services, args[0]);
    const templates = (await services.verifications.listTemplates(tenant)).map(templateToJson);
    printResult(json, templates, () => table(
      templates.map((t) => ({ ...t, default: t.is_default ? 'yes' : '', methods: t.verifications.map((v) => v.name).join(', ') })),
      ['id', 'name', 'default', 'methods', 'created_at']));
  },
};
