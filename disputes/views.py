def dispute_list(request):
    raise NotImplementedError


def dispute_detail(request, pk):
    raise NotImplementedError


def attachment_download(request, pk, attachment_pk):
    raise NotImplementedError


def mediator_list(request):
    raise NotImplementedError


def mediator_detail(request, pk):
    raise NotImplementedError
