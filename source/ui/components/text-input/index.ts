export {TextInput, visibleWindow, type TextInputProps} from './text-input.js';
export {useTextInput, type TextInput as TextInputHandle, type TextInputOptions} from './use-text-input.js';
export {applyControlEdits, createTextInput, cursorParts, editText, insertText, setText, type TextInputOutcome, type TextInputState} from './text-input-state.js';
