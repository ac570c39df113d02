# summary.awk: one Markdown table per library from the ablation's raw
# output (bench.txt) and write counts (syscalls.txt):
#
#   awk -f scripts/tuning/summary.awk results/tuning/bench.txt results/tuning/syscalls.txt
#
# Per variant and message type: the median ns/op at each size, frames per
# 16 KiB echo, write syscalls per echo (64 B / 1 KiB / 16 KiB / 64 KiB),
# and the median allocations and bytes per echo at 64 B and 16 KiB. The
# first variant of a library is its production configuration.
function median(key,    n, i, j, t, a) {
	n = split(samples[key], a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	if (n == 0) return ""
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function fmtns(x) { return x == "" ? "–" : (x >= 1e6 ? sprintf("%.2f ms", x / 1e6) : sprintf("%.1f µs", x / 1e3)) }
function num(x) { return x == "" ? "–" : sprintf("%g", x) }
/^BenchmarkAblation\// {
	split($1, p, "/")
	lib = substr(p[2], 5); variant = substr(p[3], 9); typ = substr(p[4], 6); size = substr(p[5], 6); sub(/-[0-9]+$/, "", size)
	row = lib SUBSEP variant SUBSEP typ
	if (!(row in seenrow)) { seenrow[row] = 1; rows[lib] = rows[lib] (rows[lib] == "" ? "" : "\t") variant "/" typ; if (!(lib in seenlib)) { seenlib[lib] = 1; libs[++nlibs] = lib } }
	for (i = 3; i < NF; i++) {
		unit = $(i + 1)
		if (unit == "ns/op" || unit == "frames/op" || unit == "B/op" || unit == "allocs/op" || unit == "writes/op") {
			k = row SUBSEP size SUBSEP unit
			samples[k] = samples[k] " " $i
		}
	}
}
END {
	for (l = 1; l <= nlibs; l++) {
		lib = libs[l]
		printf "### %s\n\n", lib
		print "| variant | type | ns/op 64 B | 1 KiB | 16 KiB | 64 KiB | frames per 16 KiB echo | write syscalls per echo 64 B / 1 KiB / 16 KiB / 64 KiB | allocs per echo 64 B / 16 KiB | B per echo 64 B / 16 KiB |"
		print "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
		n = split(rows[lib], vs, "\t")
		for (v = 1; v <= n; v++) {
			split(vs[v], vt, "/")
			row = lib SUBSEP vt[1] SUBSEP vt[2]
			printf "| %s%s | %s |", vt[1], (v == 1 ? " (production)" : ""), vt[2]
			split("64B 1KiB 16KiB 64KiB", sz, " ")
			for (s = 1; s <= 4; s++) printf " %s |", fmtns(median(row SUBSEP sz[s] SUBSEP "ns/op"))
			printf " %s |", num(median(row SUBSEP "16KiB" SUBSEP "frames/op"))
			w = ""
			for (s = 1; s <= 4; s++) w = w (s > 1 ? " / " : "") num(median(row SUBSEP sz[s] SUBSEP "writes/op"))
			printf " %s |", w
			printf " %s / %s |", num(median(row SUBSEP "64B" SUBSEP "allocs/op")), num(median(row SUBSEP "16KiB" SUBSEP "allocs/op"))
			printf " %s / %s |\n", num(median(row SUBSEP "64B" SUBSEP "B/op")), num(median(row SUBSEP "16KiB" SUBSEP "B/op"))
		}
		print ""
	}
}
