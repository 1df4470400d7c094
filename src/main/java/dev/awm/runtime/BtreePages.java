package dev.awm.runtime;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;

/**
 * Tells, from two database images of one world, whether a table is untouched, without SQL: a table's rows live
 * only in the pages of its b-tree (and their overflow pages), so when every such page of the first image is byte-for-
 * byte the same in the second, the table is the same. Finding those pages reads the SQLite file format directly
 * (https://www.sqlite.org/fileformat2.html, "B-tree Pages"). Anything unexpected answers "not the same", so that the
 * caller compares the rows instead: this is only ever a shortcut.
 */
final class BtreePages {

    private BtreePages() {}

    /** True when the b-tree rooted at page {@code root} is byte-for-byte the same in both images. */
    static boolean same(byte[] a, byte[] b, long root) {
        if (a.length < 100 || b.length < 100 || !Arrays.equals(a, 16, 22, b, 16, 22) || !Arrays.equals(a, 56, 60, b, 56, 60)) return false;
        int pageSize = u16(a, 16) == 1 ? 65_536 : u16(a, 16);
        if (pageSize < 512) return false;
        int usable = pageSize - (a[20] & 0xff);
        long pages = a.length / pageSize;
        BitSet seen = new BitSet();
        Deque<Long> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            long page = todo.pop();
            if (!samePage(a, b, page, pages, pageSize, seen)) return false;
            int start = (int) ((page - 1) * pageSize);
            int header = start + (page == 1 ? 100 : 0);
            int type = a[header] & 0xff;
            boolean interior = type == 0x02 || type == 0x05, table = type == 0x05 || type == 0x0D;
            if (!interior && type != 0x0A && type != 0x0D) return false;
            int cells = u16(a, header + 3);
            if (interior) todo.push(u32(a, header + 8));
            int pointers = header + (interior ? 12 : 8);
            if (pointers + 2 * cells > start + pageSize) return false;
            for (int i = 0; i < cells; i++) {
                int cell = start + u16(a, pointers + 2 * i);
                if (cell < start || cell + 4 > start + pageSize) return false;
                if (interior) todo.push(u32(a, cell));
                if (type == 0x05) continue; // an interior table cell holds a child and a rowid, no payload
                int at = cell + (interior ? 4 : 0);
                long[] payload = varint(a, at, start + pageSize);
                if (payload == null) return false;
                at += (int) payload[1];
                if (table) {
                    long[] rowid = varint(a, at, start + pageSize);
                    if (rowid == null) return false;
                    at += (int) rowid[1];
                }
                long size = payload[0], max = table ? usable - 35 : (usable - 12) * 64L / 255 - 23;
                if (size <= max) continue;
                long min = (usable - 12) * 32L / 255 - 23, k = min + (size - min) % (usable - 4);
                int local = (int) (k <= max ? k : min);
                if (at + local + 4 > start + pageSize) return false;
                for (long overflow = u32(a, at + local); overflow != 0; overflow = u32(a, (int) ((overflow - 1) * pageSize))) {
                    if (!samePage(a, b, overflow, pages, pageSize, seen)) return false;
                }
            }
        }
        return true;
    }

    /** The page exists in both images, was not met before (no cycle) and is byte-for-byte the same. */
    private static boolean samePage(byte[] a, byte[] b, long page, long pages, int pageSize, BitSet seen) {
        if (page < 1 || page > pages || seen.get((int) page)) return false;
        seen.set((int) page);
        int start = (int) ((page - 1) * pageSize);
        return b.length >= start + pageSize && Arrays.equals(a, start, start + pageSize, b, start, start + pageSize);
    }

    private static int u16(byte[] a, int at) {
        return ((a[at] & 0xff) << 8) | (a[at + 1] & 0xff);
    }

    private static long u32(byte[] a, int at) {
        return ((long) (a[at] & 0xff) << 24) | ((a[at + 1] & 0xff) << 16) | ((a[at + 2] & 0xff) << 8) | (a[at + 3] & 0xff);
    }

    /** SQLite's varint at {@code at}: {value, length}, or null when it runs past {@code end}. */
    private static long[] varint(byte[] a, int at, int end) {
        long v = 0;
        for (int i = 0; i < 9; i++) {
            if (at + i >= end) return null;
            int byt = a[at + i] & 0xff;
            if (i == 8) return new long[] {(v << 8) | byt, 9};
            v = (v << 7) | (byt & 0x7f);
            if ((byt & 0x80) == 0) return new long[] {v, i + 1};
        }
        return null;
    }
}
