"""The password hasher: Argon2id with parameters sized for a shift-start rush.

Django's ``Argon2PasswordHasher`` defaults (t=2, m=100 MiB, p=8) cost about
0.22 s of CPU per hash on this 2-core server, so 100 officers signing in at
once queue for ~22 s of CPU. OWASP's first recommended Argon2id setting
(m=19 MiB, t=2, p=1) costs ~26 ms of CPU and 19 MiB while it runs: 100
sign-ins need under 3 s of CPU, and a GPU attacker still pays 19 MiB per
guess. Django rehashes a password at the next sign-in when the parameters
(or the algorithm: PBKDF2 hashes of older installs) differ.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FengqiaoArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
