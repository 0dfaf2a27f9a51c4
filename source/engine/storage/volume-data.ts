import type {ControllerContext} from '../controller.js';
import {FileTree, type SavedFileTree, type VolumeProvider} from '../runtime/filetree.js';
import type {PersistentVolumeClaim} from '../api/storage-objects.js';
import {getClaim, getVolume} from './claims.js';

/**
 * What persistent volumes hold: one FileTree per PersistentVolume, kept here
 * (not in any pod), so data outlives pods, nodes going down and scale-down.
 * Databases keep their rows with the tree (see runtime/workloads/database.ts).
 */

export type VolumeContents = {
	tree: FileTree;
	/** A read-only view over `tree`, for ReadOnlyMany claims. */
	readOnlyView?: FileTree;
};

export type VolumeDataService = {
	/** The contents of a volume, made empty on first use. */
	contents(volumeName: string): VolumeContents;
	/** The contents when the volume has any. */
	peek(volumeName: string): VolumeContents | undefined;
	/** The volume's storage was deleted (reclaim Delete) or scrubbed (Recycle). */
	drop(volumeName: string): void;
	/** Contents of the volume bound to a claim, or undefined while unbound. */
	forClaim(namespace: string, claimName: string): VolumeContents | undefined;
	/** The volumes holding contents, in the order they were first used. */
	names(): string[];
	/** Number of volumes holding contents. */
	readonly size: number;
};

export function volumeData(context: ControllerContext): VolumeDataService {
	const existing = context.services.volumeData;
	if (existing) return existing;
	const volumes = new Map<string, VolumeContents>();
	const service: VolumeDataService = {
		contents(volumeName) {
			let contents = volumes.get(volumeName);
			if (!contents) volumes.set(volumeName, (contents = {tree: new FileTree({clock: () => context.clock.now()})}));
			return contents;
		},
		peek: volumeName => volumes.get(volumeName),
		drop(volumeName) {
			volumes.delete(volumeName);
		},
		forClaim(namespace, claimName) {
			const claim = getClaim(context, namespace, claimName);
			const volume = boundVolumeName(claim);
			if (!volume || !getVolume(context, volume)) return undefined;
			return service.contents(volume);
		},
		names: () => [...volumes.keys()],
		get size() {
			return volumes.size;
		},
	};
	context.services.volumeData = service;
	const provider: VolumeProvider = {
		treeForClaim(namespace, claimName) {
			const contents = service.forClaim(namespace, claimName);
			if (!contents) return undefined;
			const claim = getClaim(context, namespace, claimName)!;
			const modes = claim.status?.accessModes ?? claim.spec?.accessModes ?? [];
			if (modes.length === 1 && modes[0] === 'ReadOnlyMany') {
				contents.readOnlyView ??= new FileTree({lower: contents.tree, readOnly: true});
				return contents.readOnlyView;
			}
			return contents.tree;
		},
	};
	context.services.volumeProvider = provider;
	context.state.register<SavedVolumes>('volumes', {
		save: () => [...volumes].map(([name, {tree, readOnlyView}]) => [name, tree.save(), readOnlyView ? readOnlyView.save(() => name) : null]),
		load(saved) {
			const clock = () => context.clock.now();
			const before = new Map(volumes);
			volumes.clear();
			for (const [name, tree, view] of saved) {
				// Containers hold the tree of a volume they mount: a volume they already
				// mount takes the saved tree into the same object, so they go on with it
				// (in a restore no volume has a tree yet, and each is made).
				const contents = before.get(name);
				const loadedTree = into(contents?.tree, FileTree.fromSaved(tree, {clock}));
				const loaded: VolumeContents = {tree: loadedTree};
				if (view) loaded.readOnlyView = into(contents?.readOnlyView, FileTree.fromSaved(view, {clock, lower: () => loadedTree}));
				volumes.set(name, loaded);
			}
		},
	});
	return service;
}

/** Volumes as saved: each volume's name, tree, and its read-only view (over the tree) when a ReadOnlyMany claim made one. */
type SavedVolumes = Array<[name: string, tree: SavedFileTree, readOnlyView: SavedFileTree | null]>;

/** `loaded` as the tree `existing` (its every field), when there is one: holders of `existing` read the loaded tree. */
function into(existing: FileTree | undefined, loaded: FileTree): FileTree {
	if (!existing) return loaded;
	const fields = existing as unknown as Record<string, unknown>;
	for (const key of Object.keys(fields)) if (!Object.hasOwn(loaded, key)) delete fields[key];
	return Object.assign(existing, loaded);
}

/** The PV a claim is bound to, once binding completed. */
export function boundVolumeName(claim: PersistentVolumeClaim | undefined): string | undefined {
	if (!claim || claim.status?.phase !== 'Bound') return undefined;
	return claim.spec?.volumeName || undefined;
}
