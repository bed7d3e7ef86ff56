# A --width past any terminal (and past 64 bits) is refused.
args: techniques --width 184467440737095516160
exit: 2
stderr: mitre-query: --width must be a number from 1 to 65535, not "184467440737095516160"
