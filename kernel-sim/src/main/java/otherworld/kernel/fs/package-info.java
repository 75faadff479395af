/**
 * The file system: a page cache in guest RAM and an ext2 driver on it.
 *
 * <ul>
 *   <li>{@link otherworld.kernel.fs.BlockCache} — 4096-byte disk blocks in frames of guest RAM, with a slot table
 *       (block, VALID/DIRTY, LRU stamp) the crash kernel validates and flushes read-only.</li>
 *   <li>{@link otherworld.kernel.fs.Ext2} — mount (superblock, group descriptors), path walk, and the API the
 *       system calls use: lookup, create, mkdir, unlink, rmdir, stat, read, write, truncate, readdir, sync.</li>
 *   <li>{@code Ext2Inode} — inode fields and the block map (direct, single-, double-, triple-indirect).</li>
 *   <li>{@code Ext2Dir} — directory entries and rec_len handling, bounded walks.</li>
 *   <li>{@code Ext2Alloc} — block and inode bitmaps with the group and superblock free counts.</li>
 *   <li>{@link otherworld.kernel.fs.Ext2Repair} — what a resurrected kernel derives for the inodes an interrupted
 *       call touched: bits, i_blocks, blocks past the size, free counts of the groups concerned.</li>
 * </ul>
 *
 * Nothing here keeps file-system state in Java: every byte of metadata and data is in a cache frame, written
 * through {@link otherworld.kernel.mem.KMem}; disk reads pass through short-lived scratch
 * arrays. e2fsck -fn is the judge of what reaches the disk.
 */
package otherworld.kernel.fs;
