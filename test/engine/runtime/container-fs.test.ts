import test from 'ava';
import {FileTree, type SavedFileTree} from '../../../source/engine/runtime/filetree.js';
import {imageKeyOfTree, imageTree, imageTreeByKey, imageTreeKey, writableLayer} from '../../../source/engine/runtime/container-fs.js';
import {resolveImage} from '../../../source/engine/runtime/workloads/images.js';

test('a container layer saves its image tree by key, not its files, and loads back over the same shared tree', t => {
	const resolution = resolveImage('nginx:1.27');
	if (!resolution.ok) return t.fail(resolution.message);
	const image = imageTree(resolution.image);
	const layer = writableLayer(resolution.image, {id: 'sandbox-1', podIP: '10.244.1.5', hostname: 'web-0'}, 'default');
	const saved = JSON.parse(JSON.stringify(layer.save(imageKeyOfTree))) as SavedFileTree;
	t.is(saved.lower, imageTreeKey(resolution.image));
	t.is(saved.entries.length, 6);
	t.is(imageKeyOfTree(new FileTree()), undefined);
	const loaded = FileTree.fromSaved(saved, {lower: imageTreeByKey});
	// Both get their clock as the kubelet sets the pod up, and go on alike.
	let now = 1_767_258_000_000;
	for (const tree of [layer, loaded]) tree.useClock(() => now, now - 5000);
	for (const tree of [layer, loaded]) {
		tree.write('/etc/nginx/conf.d/extra.conf', 'gzip on;\n');
		tree.remove('/usr/share/nginx/html', {recursive: true});
	}
	now += 1000;
	for (const tree of [layer, loaded]) tree.write('/etc/hosts', '# edited\n', {append: true});
	t.deepEqual(loaded.files(), layer.files());
	for (const path of ['/', '/etc', '/etc/hosts', '/etc/nginx/conf.d', '/usr/share', '/usr/share/nginx']) t.deepEqual(loaded.stat(path), layer.stat(path), path);
	t.deepEqual(loaded.save(imageKeyOfTree), layer.save(imageKeyOfTree));
	// The image's files were not copied: the layer's own bytes are what the kubelet and the container wrote.
	t.is(loaded.ownBytes(), layer.ownBytes());
	t.true(JSON.stringify(saved).length < 1000);
	t.is(imageTreeByKey(imageTreeKey(resolution.image)), image);
});
