# The topology of scripts/bench-fabric.sh, as YAML on stdout:
#   VNet bench 10.1.0.0/16; VMs vm10 and vm400 in subnets whose route tables
#   hold 10 and 400 UDRs (no propagation); vmgw in a subnet that receives the
#   `nprefixes` prefixes site dc advertises through the ExpressRoute gateway gw;
#   dst, the destination VM. The site prefixes also go to the file `prefixes`,
#   and one host of each to `hosts`.
# Deterministic (srand(1)), so every run measures the same tables.
function ip(n) {
	return int(n / 16777216) "." int(n / 65536) % 256 "." int(n / 256) % 256 "." n % 256
}
# A BGP-like length mix (as in xdp-veth-baseline.md).
function bgp_len(r) {
	if (r < 0.55) return 24
	if (r < 0.75) return 22 + int(rand() * 2)
	if (r < 0.85) return 20 + int(rand() * 2)
	if (r < 0.93) return 16 + int(rand() * 4)
	if (r < 0.95) return 8 + int(rand() * 8)
	return 25 + int(rand() * 8)
}
# A random prefix of length len under first octets [lo, hi], skipping 127.
function rand_prefix(lo, hi, len,   a, o) {
	do
		o = lo + int(rand() * (hi - lo + 1))
	while (o == 127)
	a = o * 16777216 + int(rand() * 16777216)
	return a - a % 2 ^ (32 - len)
}
# Whether a/len overlaps b/blen.
function overlaps(a, len, b, blen,   m) {
	m = len < blen ? len : blen
	return int(a / 2 ^ (32 - m)) == int(b / 2 ^ (32 - m))
}
# The ranges xvnet gives VMs their public addresses from: a site holding
# them would leave the VMs none (every verb refuses such a topology).
function public_range(a, len) {
	return overlaps(a, len, 3221225984, 24) || overlaps(a, len, 3325256704, 24) ||
	       overlaps(a, len, 3323068416, 15)
}
BEGIN {
	srand(1)
	print "name: xvb"
	print "vnets:"
	print "  - name: bench"
	print "    addressSpace: [10.1.0.0/16]"
	print "    subnets:"
	print "      - {name: GatewaySubnet, addressPrefix: 10.1.255.0/27}"
	print "      - {name: dst, addressPrefix: 10.1.2.0/24}"
	print "      - {name: s10, addressPrefix: 10.1.10.0/24, routeTable: rt10}"
	print "      - {name: s400, addressPrefix: 10.1.50.0/24, routeTable: rt400}"
	print "      - {name: sgw, addressPrefix: 10.1.100.0/24}"
	print "routeTables:"
	split("10 400", sizes, " ")
	for (t = 1; t <= 2; t++) {
		print "  - name: rt" sizes[t]
		print "    disableBgpRoutePropagation: true"
		print "    routes:"
		delete seen
		for (n = 0; n < sizes[t]; ) {
			len = 16 + int(rand() * 17)
			p = rand_prefix(10, 10, len)
			if (p >= 167837696 && p < 167903232 || seen[p "/" len]++)
				continue	# 10.1.0.0/16 is the VNet itself
			print "      - {name: r" n ", addressPrefix: " ip(p) "/" len ", nextHopType: None}"
			n++
		}
	}
	print "gateways:"
	print "  - {name: gw, vnet: bench, type: ExpressRoute}"
	print "sites:"
	print "  - name: dc"
	print "    addressSpace:"
	delete seen
	for (n = 0; n < nprefixes; ) {
		len = bgp_len(rand())
		p = rand_prefix(11, 223, len)
		if (public_range(p, len) || seen[p "/" len]++)
			continue
		print "      - " ip(p) "/" len
		print ip(p) "/" len > prefixes_file
		print ip(len < 31 ? p + 1 : p) > hosts
		n++
	}
	print "connections:"
	print "  - {name: gw-dc, gateway: gw, site: dc}"
	print "vms:"
	print "  - {name: dst, subnet: bench/dst, ip: 10.1.2.4}"
	print "  - {name: vm10, subnet: bench/s10, ip: 10.1.10.4}"
	print "  - {name: vm400, subnet: bench/s400, ip: 10.1.50.4}"
	print "  - {name: vmgw, subnet: bench/sgw, ip: 10.1.100.4}"
}
