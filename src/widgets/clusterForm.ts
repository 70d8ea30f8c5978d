import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { Styling } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import {
  CLUSTER_KINDS,
  ClusterKind,
  IClusterInfo,
  IClusterSpec,
  LakehouseAPIError,
  LIVY_AUTHS,
  LivyAuth
} from '../api';
import {
  buildSpec,
  ClusterFormErrors,
  ClusterFormField,
  emptyFormValues,
  fieldOfServerError,
  formValuesFromCluster,
  IClusterFormValues
} from '../models/clusterForm';

/**
 * The form that creates a cluster profile, or edits one (PATCH).
 *
 * It checks what it can before sending; when the server refuses, its
 * message shows in the form, next to the field it names.
 */
export class ClusterForm extends Widget {
  constructor(options: ClusterForm.IOptions) {
    super({ node: document.createElement('form') });
    this.addClass('jp-Lakehouse-ClusterForm');
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this._existing = options.existing ?? null;
    this._onSubmit = options.onSubmit;
    this._onCancel = options.onCancel;
    const form = this.node as HTMLFormElement;
    form.noValidate = true;
    form.setAttribute(
      'aria-label',
      this._existing
        ? this._trans.__('Edit cluster %1', this._existing.name)
        : this._trans.__('Create cluster')
    );
    this._build(
      this._existing
        ? formValuesFromCluster(this._existing)
        : emptyFormValues(options.kind ?? 'local')
    );
  }

  /**
   * The cluster being edited; null when creating one.
   */
  get existing(): IClusterInfo | null {
    return this._existing;
  }

  /**
   * What the fields hold now.
   */
  get values(): IClusterFormValues {
    const values = {} as IClusterFormValues;
    for (const [field, input] of this._inputs) {
      (values as unknown as Record<string, string>)[field] = input.value;
    }
    return values;
  }

  /**
   * Set fields (as a user typing would) and refresh what the kind shows.
   */
  setValues(values: Partial<IClusterFormValues>): void {
    for (const [field, value] of Object.entries(values)) {
      const input = this._inputs.get(field as ClusterFormField);
      if (input && value !== undefined) {
        input.value = value;
      }
    }
    this._showKind();
  }

  /**
   * The field errors shown now.
   */
  get errors(): ClusterFormErrors {
    const errors: ClusterFormErrors = {};
    for (const [field, node] of this._errorNodes) {
      if (node.textContent) {
        errors[field] = node.textContent;
      }
    }
    return errors;
  }

  /**
   * The server's message shown above the buttons, or empty.
   */
  get serverError(): string {
    return this._serverError.textContent ?? '';
  }

  /**
   * Check, then send; resolves whether the server took it.
   */
  async submit(): Promise<boolean> {
    if (this._submitting) {
      return false;
    }
    this._clearErrors();
    const { spec, errors } = buildSpec(this.values, {
      existing: this._existing ?? undefined
    });
    if (!spec) {
      this._showErrors(errors);
      return false;
    }
    this._setSubmitting(true);
    try {
      await this._onSubmit(spec, this._existing);
    } catch (reason) {
      this._setSubmitting(false);
      this._showServerError(reason);
      return false;
    }
    this._setSubmitting(false);
    return true;
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'submit':
        event.preventDefault();
        void this.submit();
        break;
      case 'change':
        if (
          event.target === this._inputs.get('kind') ||
          event.target === this._inputs.get('auth')
        ) {
          this._showKind();
        }
        break;
      case 'keydown':
        if ((event as KeyboardEvent).key === 'Escape') {
          event.stopPropagation();
          this._onCancel();
        }
        break;
    }
  }

  /**
   * Focus the first field that can be typed in.
   */
  focusFirst(): void {
    const first = this._existing
      ? this._firstEditable()
      : this._inputs.get('name');
    first?.focus();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.node.addEventListener('submit', this);
    this.node.addEventListener('change', this);
    this.node.addEventListener('keydown', this);
  }

  protected onBeforeDetach(msg: Message): void {
    this.node.removeEventListener('submit', this);
    this.node.removeEventListener('change', this);
    this.node.removeEventListener('keydown', this);
    super.onBeforeDetach(msg);
  }

  private _build(values: IClusterFormValues): void {
    const trans = this._trans;
    const editing = this._existing !== null;

    const title = document.createElement('div');
    title.className = 'jp-Lakehouse-ClusterForm-title';
    title.textContent = editing
      ? trans.__('Edit cluster “%1”', this._existing!.name)
      : trans.__('New cluster');
    this.node.appendChild(title);

    if (editing && this._existing!.state !== 'terminated') {
      const note = document.createElement('p');
      note.className = 'jp-Lakehouse-ClusterForm-note';
      note.textContent =
        this._existing!.kind === 'remote' || this._existing!.kind === 'livy'
          ? trans.__('Notebooks use the new settings when they next connect.')
          : trans.__('Changes apply when the cluster restarts.');
      this.node.appendChild(note);
    }

    this._text('name', trans.__('Name'), values.name, {
      placeholder: trans.__('e.g. etl-small'),
      disabled: editing,
      autocomplete: 'off'
    });

    const kind = document.createElement('select');
    for (const k of CLUSTER_KINDS) {
      const option = document.createElement('option');
      option.value = k;
      option.textContent = ClusterForm.kindOptionLabel(k, trans);
      kind.appendChild(option);
    }
    kind.value = values.kind;
    kind.disabled = editing;
    this._field('kind', trans.__('Kind'), Styling.wrapSelect(kind), kind);

    // Local
    this._text('cores', trans.__('Cores'), values.cores, {
      kinds: ['local'],
      placeholder: trans.__('all'),
      hint: trans.__('Runs local[N]; empty uses every core.'),
      inputMode: 'numeric'
    });
    // Custom
    this._text('master', trans.__('Master URL'), values.master, {
      kinds: ['custom'],
      placeholder: 'k8s://https://host:6443',
      hint: trans.__(
        'Passed to spark-submit as --master (k8s://…, yarn, spark://…).'
      ),
      code: true
    });
    // Remote and Livy: the URL's label and example follow the kind (_showKind).
    this._text('url', trans.__('Spark Connect URL'), values.url, {
      kinds: ['remote', 'livy'],
      placeholder: 'sc://host:15002',
      code: true
    });
    // Livy: authentication as sparkmagic knows it, plus a bearer token.
    const auth = document.createElement('select');
    for (const a of LIVY_AUTHS) {
      const option = document.createElement('option');
      option.value = a;
      option.textContent = ClusterForm.authOptionLabel(a, trans);
      auth.appendChild(option);
    }
    auth.value = values.auth;
    this._field(
      'auth',
      trans.__('Authentication'),
      Styling.wrapSelect(auth),
      auth,
      { kinds: ['livy'] }
    );
    this._text('username', trans.__('User name'), values.username, {
      kinds: ['livy'],
      auths: ['basic'],
      autocomplete: 'off'
    });
    const stored = (auth: LivyAuth, flag: 'password_set' | 'token_set') =>
      editing &&
      (this._existing!.kind === 'remote' ||
        this._existing!.profile.auth === auth) &&
      this._existing!.profile[flag] === true;
    this._text('password', trans.__('Password'), values.password, {
      kinds: ['livy'],
      auths: ['basic'],
      type: 'password',
      autocomplete: 'new-password',
      placeholder: stored('basic', 'password_set') ? trans.__('unchanged') : '',
      hint: trans.__('Stored privately; never shown again.')
    });
    this._text('token', trans.__('Token'), values.token, {
      kinds: ['remote', 'livy'],
      auths: ['token'],
      type: 'password',
      autocomplete: 'off',
      placeholder: stored('token', 'token_set')
        ? trans.__('unchanged')
        : trans.__('none'),
      hint: trans.__('Stored privately; never shown again.')
    });

    const managed: ClusterKind[] = ['local', 'standalone', 'custom'];
    this._text('driverMemory', trans.__('Driver memory'), values.driverMemory, {
      kinds: managed,
      placeholder: '1g'
    });

    // Standalone: workers and autoscaling, two per line.
    const standalone: ClusterKind[] = ['standalone'];
    this._pair(
      ['workers', trans.__('Workers'), values.workers],
      ['workerCores', trans.__('Cores per worker'), values.workerCores],
      standalone
    );
    this._text(
      'workerMemory',
      trans.__('Memory per worker'),
      values.workerMemory,
      {
        kinds: standalone,
        placeholder: '1g'
      }
    );
    this._pair(
      ['minExecutors', trans.__('Min executors'), values.minExecutors],
      ['maxExecutors', trans.__('Max executors'), values.maxExecutors],
      standalone
    );

    this._area('sparkConf', trans.__('Spark conf'), values.sparkConf, {
      kinds: managed,
      placeholder: 'spark.sql.shuffle.partitions=8',
      hint: trans.__('One key=value per line.')
    });
    this._area('env', trans.__('Environment variables'), values.env, {
      kinds: managed,
      placeholder: 'PYSPARK_PYTHON=python3',
      hint: trans.__('One KEY=value per line.')
    });
    this._text(
      'idleTimeout',
      trans.__('Idle timeout (minutes)'),
      values.idleTimeout,
      {
        kinds: managed,
        placeholder: trans.__('workspace default'),
        hint: trans.__('0 never terminates; empty uses the workspace default.'),
        inputMode: 'numeric'
      }
    );

    this._serverError = document.createElement('div');
    this._serverError.className = 'jp-Lakehouse-ClusterForm-serverError';
    this._serverError.setAttribute('role', 'alert');
    this.node.appendChild(this._serverError);

    const buttons = document.createElement('div');
    buttons.className = 'jp-Lakehouse-ClusterForm-buttons';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'jp-Button jp-mod-styled jp-mod-reject';
    cancel.textContent = trans.__('Cancel');
    cancel.addEventListener('click', () => this._onCancel());
    const submit = (this._submit = document.createElement('button'));
    submit.type = 'submit';
    submit.className = 'jp-Button jp-mod-styled jp-mod-accept';
    submit.textContent = editing ? trans.__('Save') : trans.__('Create');
    buttons.append(cancel, submit);
    this.node.appendChild(buttons);

    this._showKind();
  }

  private _field(
    field: ClusterFormField,
    label: string,
    control: HTMLElement,
    input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
    options: ClusterForm.IFieldOptions = {},
    parent: HTMLElement = this.node
  ): HTMLDivElement {
    const id = Private.nextId(field);
    const row = document.createElement('div');
    row.className = 'jp-Lakehouse-ClusterForm-field';
    row.dataset.field = field;
    const labelNode = document.createElement('label');
    labelNode.className = 'jp-Lakehouse-ClusterForm-label';
    labelNode.htmlFor = id;
    labelNode.textContent = label;
    input.id = id;
    input.name = field;
    const describedBy: string[] = [];
    row.append(labelNode, control);
    if (options.hint) {
      const hint = document.createElement('div');
      hint.className = 'jp-Lakehouse-ClusterForm-hint';
      hint.id = `${id}-hint`;
      hint.textContent = options.hint;
      row.appendChild(hint);
      describedBy.push(hint.id);
    }
    const error = document.createElement('div');
    error.className = 'jp-Lakehouse-ClusterForm-error';
    error.id = `${id}-error`;
    row.appendChild(error);
    describedBy.push(error.id);
    input.setAttribute('aria-describedby', describedBy.join(' '));
    parent.appendChild(row);
    this._inputs.set(field, input);
    this._errorNodes.set(field, error);
    if (options.kinds) {
      this._kindRows.push({ row, kinds: options.kinds, auths: options.auths });
    }
    return row;
  }

  private _text(
    field: ClusterFormField,
    label: string,
    value: string,
    options: ClusterForm.IFieldOptions = {},
    parent?: HTMLElement
  ): void {
    const input = document.createElement('input');
    input.type = options.type ?? 'text';
    input.className = 'jp-mod-styled jp-Lakehouse-ClusterForm-input';
    if (options.code) {
      input.classList.add('jp-mod-code');
    }
    input.value = value;
    input.spellcheck = false;
    if (options.placeholder) {
      input.placeholder = options.placeholder;
    }
    if (options.autocomplete) {
      input.autocomplete = options.autocomplete as AutoFill;
    }
    if (options.inputMode) {
      input.inputMode = options.inputMode;
    }
    input.disabled = options.disabled ?? false;
    this._field(field, label, input, input, options, parent);
  }

  private _area(
    field: ClusterFormField,
    label: string,
    value: string,
    options: ClusterForm.IFieldOptions = {}
  ): void {
    const area = document.createElement('textarea');
    area.className =
      'jp-mod-styled jp-Lakehouse-ClusterForm-input jp-Lakehouse-ClusterForm-textarea jp-mod-code';
    area.rows = 3;
    area.value = value;
    area.spellcheck = false;
    area.wrap = 'off';
    if (options.placeholder) {
      area.placeholder = options.placeholder;
    }
    this._field(field, label, area, area, options);
  }

  private _pair(
    first: [ClusterFormField, string, string],
    second: [ClusterFormField, string, string],
    kinds: ClusterKind[]
  ): void {
    const row = document.createElement('div');
    row.className = 'jp-Lakehouse-ClusterForm-pair';
    this.node.appendChild(row);
    this._kindRows.push({ row, kinds });
    for (const [field, label, value] of [first, second]) {
      this._text(field, label, value, { inputMode: 'numeric' }, row);
    }
  }

  private _showKind(): void {
    const kind = (this._inputs.get('kind')?.value ?? 'local') as ClusterKind;
    const auth = (this._inputs.get('auth')?.value ?? 'none') as LivyAuth;
    this.node.dataset.kind = kind;
    for (const { row, kinds, auths } of this._kindRows) {
      // Auth-specific fields show on Livy endpoints with that auth only.
      const byAuth = kind !== 'livy' || !auths || auths.includes(auth);
      row.hidden = !kinds.includes(kind) || !byAuth;
    }
    const url = this._inputs.get('url') as HTMLInputElement | undefined;
    const label = url?.id
      ? this.node.querySelector(`label[for="${url.id}"]`)
      : null;
    if (url && label) {
      const livy = kind === 'livy';
      label.textContent = livy
        ? this._trans.__('Livy URL')
        : this._trans.__('Spark Connect URL');
      url.placeholder = livy ? 'http://livy-host:8998' : 'sc://host:15002';
    }
  }

  private _firstEditable(): HTMLElement | undefined {
    for (const [field, input] of this._inputs) {
      const row = input.closest(
        '.jp-Lakehouse-ClusterForm-field'
      ) as HTMLElement;
      if (field !== 'name' && field !== 'kind' && !Private.isHidden(row)) {
        return input;
      }
    }
    return undefined;
  }

  private _clearErrors(): void {
    for (const [field, node] of this._errorNodes) {
      node.textContent = '';
      this._inputs.get(field)?.removeAttribute('aria-invalid');
    }
    this._serverError.textContent = '';
    this._serverError.classList.remove('jp-mod-visible');
  }

  private _showErrors(errors: ClusterFormErrors): void {
    let first: HTMLElement | null = null;
    for (const [field, message] of Object.entries(errors)) {
      const node = this._errorNodes.get(field as ClusterFormField);
      const input = this._inputs.get(field as ClusterFormField);
      if (node && message) {
        node.textContent = message;
        input?.setAttribute('aria-invalid', 'true');
        first = first ?? input ?? null;
      }
    }
    first?.focus();
  }

  private _showServerError(reason: unknown): void {
    const error =
      reason instanceof LakehouseAPIError
        ? reason
        : new LakehouseAPIError({
            status: 0,
            code: 'unexpected',
            message: String((reason as Error)?.message ?? reason),
            fromServerExtension: false
          });
    const field = fieldOfServerError(error.detail);
    const node = field ? this._errorNodes.get(field) : undefined;
    const row = node?.closest(
      '.jp-Lakehouse-ClusterForm-field'
    ) as HTMLElement | null;
    if (field && node && row && !Private.isHidden(row)) {
      // Next to the field it is about, and said once more above the buttons.
      node.textContent = error.message;
      this._inputs.get(field)?.setAttribute('aria-invalid', 'true');
    }
    this._serverError.textContent = error.fromServerExtension
      ? error.message
      : this._trans.__('The server did not take it: %1', error.message);
    this._serverError.classList.add('jp-mod-visible');
  }

  private _setSubmitting(submitting: boolean): void {
    this._submitting = submitting;
    this._submit.disabled = submitting;
    const editing = this._existing !== null;
    this._submit.textContent = submitting
      ? editing
        ? this._trans.__('Saving…')
        : this._trans.__('Creating…')
      : editing
        ? this._trans.__('Save')
        : this._trans.__('Create');
  }

  private _trans: TranslationBundle;
  private _existing: IClusterInfo | null;
  private _onSubmit: ClusterForm.IOptions['onSubmit'];
  private _onCancel: () => void;
  private _inputs = new Map<
    ClusterFormField,
    HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement
  >();
  private _errorNodes = new Map<ClusterFormField, HTMLDivElement>();
  private _kindRows: {
    row: HTMLElement;
    kinds: ClusterKind[];
    auths?: LivyAuth[];
  }[] = [];
  private _serverError!: HTMLDivElement;
  private _submit!: HTMLButtonElement;
  private _submitting = false;
}

export namespace ClusterForm {
  export interface IOptions {
    /**
     * Send the spec (create, or PATCH `existing`); rejects with the server's error.
     */
    onSubmit: (
      spec: IClusterSpec,
      existing: IClusterInfo | null
    ) => Promise<void>;
    onCancel: () => void;
    /**
     * The cluster to edit; omitted to create one.
     */
    existing?: IClusterInfo;
    /**
     * The kind a new cluster starts with.
     */
    kind?: ClusterKind;
    trans?: TranslationBundle;
  }

  export interface IFieldOptions {
    kinds?: ClusterKind[];
    /**
     * On Livy endpoints, the auth kinds the field is for.
     */
    auths?: LivyAuth[];
    placeholder?: string;
    hint?: string;
    type?: string;
    disabled?: boolean;
    code?: boolean;
    autocomplete?: string;
    inputMode?: string;
  }

  export function kindOptionLabel(
    kind: ClusterKind,
    trans: TranslationBundle
  ): string {
    switch (kind) {
      case 'local':
        return trans.__('Local (this machine)');
      case 'standalone':
        return trans.__('Standalone (workers here)');
      case 'remote':
        return trans.__('Remote (Spark Connect)');
      case 'custom':
        return trans.__('Custom master (k8s, YARN)');
      case 'livy':
        return trans.__('Livy endpoint (sparkmagic)');
    }
    return kind;
  }

  export function authOptionLabel(
    auth: LivyAuth,
    trans: TranslationBundle
  ): string {
    switch (auth) {
      case 'none':
        return trans.__('None');
      case 'basic':
        return trans.__('Basic (user name and password)');
      case 'kerberos':
        return trans.__('Kerberos (the server’s ticket)');
      case 'token':
        return trans.__('Token (Authorization: Bearer)');
    }
    return auth;
  }
}

namespace Private {
  let counter = 0;

  export function nextId(field: string): string {
    counter += 1;
    return `jp-Lakehouse-ClusterForm-${field}-${counter}`;
  }

  export function isHidden(node: HTMLElement | null): boolean {
    for (let n = node; n; n = n.parentElement) {
      if (n.hidden) {
        return true;
      }
    }
    return false;
  }
}
