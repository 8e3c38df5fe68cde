// The Server IP box: monospace, dots inserted while digits are typed (logic/ip-auto-dot),
// host names and pasted addresses left alone.
import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { autoDot } from '../logic/ip-auto-dot';
import { emit } from './emit';
import { ipInputStyles } from './ip-input.styles';
import { PssTextBoxElement } from './text-box-element';

export interface IpChangeDetail {
  value: string;
}

@customElement('pss-ip-input')
export class PssIpInput extends PssTextBoxElement {
  static override styles = ipInputStyles;

  /** The test hook put on the inner input. */
  @property() testid = 'ip-input';

  private onInput(e: InputEvent): void {
    const input = e.target as HTMLInputElement;
    const result = autoDot({ previous: this.value, value: input.value, caret: input.selectionStart ?? input.value.length, inputType: e.inputType });
    if (result.value !== input.value) {
      input.value = result.value;
      input.setSelectionRange(result.caret, result.caret);
    }
    this.value = result.value;
    emit<IpChangeDetail>(this, 'pss-ip-change', { value: result.value });
  }

  override render() {
    return html`<input
      type="text"
      dir="ltr"
      inputmode="url"
      autocomplete="off"
      spellcheck="false"
      aria-label=${this.label}
      data-testid=${this.testid}
      .value=${this.value}
      ?disabled=${this.disabled}
      @input=${this.onInput}
    />`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-ip-input': PssIpInput;
  }
  interface HTMLElementEventMap {
    'pss-ip-change': CustomEvent<IpChangeDetail>;
  }
}
