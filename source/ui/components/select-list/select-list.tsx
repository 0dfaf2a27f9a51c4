import React from 'react';
import {Box, Text} from 'ink';
import {useTheme} from '../../app/use-theme.js';
import {useSelectList, type SelectItem} from './use-select-list.js';

export type SelectListProps<V> = {
	items: ReadonlyArray<SelectItem<V>>;
	/** Enter on an item. */
	onSelect: (item: SelectItem<V>) => void;
};

/** A vertical list of choices, the highlighted one marked `❯`. */
export function SelectList<V>({items, onSelect}: SelectListProps<V>) {
	const theme = useTheme();
	const index = useSelectList(items, onSelect);
	return (
		<Box flexDirection="column">
			{items.map((item, i) => (
				<Text key={i} color={i === index ? theme.dialog.label : theme.dialog.fg} bold={i === index} wrap="truncate">
					{`${i === index ? '❯' : ' '} ${item.label}`}
				</Text>
			))}
		</Box>
	);
}
