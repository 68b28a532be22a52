# bash completion for xvnet. The candidates come from xvnet itself
# (`xvnet __complete INDEX WORD...`, from the same tables as its help):
# verbs, options, their values, topology targets, lab nodes and lab names.
_xvnet() {
	local cur=${COMP_WORDS[COMP_CWORD]} line
	local -a words=("${COMP_WORDS[@]:1}") out
	COMPREPLY=()
	mapfile -t out < <("${COMP_WORDS[0]}" __complete $((COMP_CWORD - 1)) "${words[@]}" 2>/dev/null)
	for line in "${out[@]}"; do
		case $line in
		__file__) mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur") ;;
		__command__) mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -c -- "$cur") ;;
		*) COMPREPLY+=("$line") ;;
		esac
	done
}
complete -o filenames -F _xvnet xvnet
